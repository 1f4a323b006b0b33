import type { Command } from 'commander';
import { registryFor } from '../../metrics/definitions/index.js';
import { computeDxi } from '../../report/dxi.js';
import {
  printJson,
  readWindow,
  rowsTable,
  windowedCommand,
  type CliContext,
  type WindowFlags,
} from '../context.js';

/** `pitwall dxi`: the composite Developer Experience Index with every term's inputs. */
export function registerDxi(program: Command, ctx: CliContext): void {
  windowedCommand(
    program,
    'dxi',
    'Developer Experience Index (speed, reliability, satisfaction, efficiency) with each term’s inputs',
  ).action(async (o: WindowFlags) => {
    const d = await readWindow(ctx, program, o, (store, cfg, window) =>
      computeDxi(store, registryFor(cfg), window),
    );
    if (o.json) return printJson(ctx, d);
    const rows = d.terms.map((t) => ({
      term: t.term,
      weight: t.weight,
      score: t.score,
      inputs: t.inputs.map((i) => `${i.metric} = ${i.value === null ? '—' : i.value.toFixed(3)}`).join('; '),
    }));
    ctx.out(`DXI ${d.dxi === null ? '— (a term has no data)' : d.dxi.toFixed(1)} / 100\n${rowsTable(rows)}`);
  });
}
