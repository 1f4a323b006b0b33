import type { Command } from 'commander';
import { registryFor } from '../../metrics/definitions/index.js';
import { ciStages } from '../../report/ci-stages.js';
import {
  config,
  fromOption,
  toOption,
  printJson,
  rowsTable,
  windowFrom,
  withStore,
  type CliContext,
} from '../context.js';

/** `pitwall ci stages`: the CI KPI table per workflow and stage, and the job to speed up first. */
export function registerCi(program: Command, ctx: CliContext): void {
  const ci = program.command('ci').description('CI pipeline health');
  ci.command('stages')
    .description(
      'per workflow and stage: duration and queue percentiles, success rate, share of the critical path',
    )
    .addOption(fromOption())
    .addOption(toOption())
    .option('--json', 'print JSON')
    .action(async (o: { from?: string; to?: string; json?: boolean }) => {
      const cfg = config(ctx, program);
      const window = windowFrom(o);
      const r = await withStore(cfg, (store) => ciStages(store, registryFor(cfg), window));
      if (o.json) return printJson(ctx, r);
      ctx.out(rowsTable(r.stages));
      ctx.out(
        r.speedUpFirst
          ? `Speed up first: ${r.speedUpFirst.stage} (${r.speedUpFirst.workflow}), ${(r.speedUpFirst.share * 100).toFixed(0)}% of the critical path\n`
          : 'No critical paths in this window.\n',
      );
    });
}
