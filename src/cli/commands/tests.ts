import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerTestsFlaky } from './tests-flaky.js';
import { registerTestsQuarantine } from './tests-quarantine.js';
import { registerTestsRun } from './tests-run.js';

/** `pitwall tests flaky|quarantine|run`: test health, one file per subcommand. */
export function registerTests(program: Command, ctx: CliContext): void {
  const tests = program.command('tests').description('flaky tests, quarantine, and running a test command');
  registerTestsFlaky(tests, program, ctx);
  registerTestsQuarantine(tests, program, ctx);
  registerTestsRun(tests, program, ctx);
  // The program configures its direct children only; these sit one and two levels deeper.
  const all = (c: Command): Command[] => c.commands.flatMap((x) => [x, ...all(x)]);
  for (const c of all(tests)) c.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
}

/** The default window of test-health commands: the last 30 days. */
export function defaultWindow(from: Date | undefined, to: Date | undefined): { from: Date; to: Date } {
  const end = to ?? new Date();
  return { from: from ?? new Date(end.getTime() - 30 * 86_400_000), to: end };
}
