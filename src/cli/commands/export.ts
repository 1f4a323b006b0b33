import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerExportDatadog } from './export-datadog.js';
import { registerExportOtlp } from './export-otlp.js';
import { registerExportParquet } from './export-parquet.js';

/** `pitwall export <target>`: parquet (a later target, datadog, is one more file and line here). */
export function registerExport(program: Command, ctx: CliContext): void {
  const exp = program.command('export').description('write the warehouse out for long-term keeping: parquet');
  registerExportParquet(exp, program, ctx);
  registerExportDatadog(exp, program, ctx);
  registerExportOtlp(exp, program, ctx);
  // The program configures its direct children only.
  for (const c of exp.commands) c.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
}
