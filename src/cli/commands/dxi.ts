import type { Command } from 'commander';
import { registryFor } from '../../metrics/definitions/index.js';
import { computeDxi } from '../../report/dxi.js';
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

/** `pitwall dxi`: the composite Developer Experience Index with every term's inputs. */
export function registerDxi(program: Command, ctx: CliContext): void {
  program
    .command('dxi')
    .description(
      'Developer Experience Index (speed, reliability, satisfaction, efficiency) with each term’s inputs',
    )
    .addOption(fromOption())
    .addOption(toOption())
    .option('--json', 'print JSON')
    .action(async (o: { from?: string; to?: string; json?: boolean }) => {
      const cfg = config(ctx, program);
      const window = windowFrom(o);
      const d = await withStore(cfg, (store) => computeDxi(store, registryFor(cfg), window));
      if (o.json) return printJson(ctx, d);
      const rows = d.terms.map((t) => ({
        term: t.term,
        weight: t.weight,
        score: t.score,
        inputs: t.inputs
          .map((i) => `${i.metric} = ${i.value === null ? '—' : i.value.toFixed(3)}`)
          .join('; '),
      }));
      ctx.out(
        `DXI ${d.dxi === null ? '— (a term has no data)' : d.dxi.toFixed(1)} / 100\n${rowsTable(rows)}`,
      );
    });
}
