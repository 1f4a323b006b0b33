import type { Command } from 'commander';
import { registryFor } from '../../metrics/definitions/index.js';
import { ciStages } from '../../report/ci-stages.js';
import {
  printJson,
  readWindow,
  rowsTable,
  windowedCommand,
  type CliContext,
  type WindowFlags,
} from '../context.js';

/** `pitwall ci stages`: the CI KPI table per workflow and stage, and the job to speed up first. */
export function registerCi(program: Command, ctx: CliContext): void {
  const ci = program.command('ci').description('CI pipeline health');
  windowedCommand(
    ci,
    'stages',
    'per workflow and stage: duration and queue percentiles, success rate, share of the critical path',
  ).action(async (o: WindowFlags) => {
    const r = await readWindow(ctx, program, o, (store, cfg, window) =>
      ciStages(store, registryFor(cfg), window),
    );
    if (o.json) return printJson(ctx, r);
    ctx.out(rowsTable(r.stages));
    ctx.out(
      r.speedUpFirst
        ? `Speed up first: ${r.speedUpFirst.stage} (${r.speedUpFirst.workflow}), ${(r.speedUpFirst.share * 100).toFixed(0)}% of the critical path\n`
        : 'No critical paths in this window.\n',
    );
  });
}
