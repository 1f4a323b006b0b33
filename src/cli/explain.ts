import type { Command } from 'commander';
import { invalidArgument } from '../errors/errors.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import { explainMetric, type Explanation, type LeftOut } from '../metrics/registry/registry.js';
import type { Store } from '../store/store.js';
import { printJson, rowsTable, type CliContext, type WindowFlags } from './context.js';

export type ExplainFlags = WindowFlags & { by?: string; group?: string; limit: string };

/** --by/--group/--limit of the commands that list the rows behind a number. */
export function withExplainOptions(cmd: Command): Command {
  return cmd
    .option('--by <group>', 'with --group: a group-by the metric allows')
    .option('--group <value>', 'only rows of this group value')
    .option('--limit <n>', 'rows per metric', '50');
}

/** The rows behind each named metric over the window. */
export function explainAll(
  store: Store,
  registry: MetricRegistry,
  names: readonly string[],
  window: { from: Date; to: Date },
  o: ExplainFlags,
): Promise<Explanation[]> {
  const limit = Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw invalidArgument(`--limit ${o.limit} must be a positive integer`);
  return Promise.all(
    names.map((n) =>
      explainMetric(store, registry, n, { ...window, by: o.by ?? null, group: o.group ?? null, limit }),
    ),
  );
}

/** Text, or JSON: the list, or its one element for a command that explains one metric. */
export function printExplanations(
  ctx: CliContext,
  explained: Explanation[],
  json: { json?: boolean; single: boolean },
): void {
  if (json.json) return printJson(ctx, json.single ? explained[0] : explained);
  for (const e of explained) {
    if (e.withheld) {
      // A personal metric: its rows are people's answers, never printed (see docs/privacy.md).
      const counted =
        e.total === null ? '' : `${e.total} row${e.total === 1 ? '' : 's'} from ${e.people} people; `;
      ctx.out(`${e.metric}: ${counted}${e.withheld}\n`);
      continue;
    }
    const total = e.total ?? 0;
    const shown = total > e.rows.length ? ` (first ${e.rows.length})` : '';
    ctx.out(`${e.metric}: ${total} row${total === 1 ? '' : 's'}${shown}\n`);
    if (e.rows.length) ctx.out(rowsTable(e.rows));
    if (e.left_out?.total) printLeftOut(ctx, e.left_out);
  }
}

/** What a number leaves out on purpose: how many rows, by which rule, and the first of them. */
function printLeftOut(ctx: CliContext, l: LeftOut): void {
  const counts = Object.entries(l.reasons).map(([r, n]) => `${r}: ${n}`);
  const why = counts.length ? ` (${counts.join(', ')})` : '';
  const shown = l.total > l.rows.length ? `, first ${l.rows.length}` : '';
  ctx.out(`left out: ${l.total} row${l.total === 1 ? '' : 's'}${why}${shown}\n`);
  for (const [r, rule] of Object.entries(l.rules)) ctx.out(`  ${r}: ${rule}\n`);
  if (l.rows.length) ctx.out(rowsTable(l.rows));
}
