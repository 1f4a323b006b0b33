import type { Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { explainMetric } from '../../metrics/registry/registry.js';
import { DORA_KEYS, doraSummary } from '../../report/dora.js';
import { formatNumber } from '../../report/format.js';
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

interface WindowFlags {
  from?: string;
  to?: string;
  by?: string;
  json?: boolean;
}

/** `pitwall dora` and `pitwall dora explain`: the four keys, their tiers, and the rows behind them. */
export function registerDora(program: Command, ctx: CliContext): void {
  const dora = program
    .command('dora')
    .description('DORA metrics with their tier under the 2021 and 2023 benchmarks')
    .addOption(fromOption())
    .addOption(toOption())
    .option('--by <group>', 'service, team or repo')
    .option('--json', 'print JSON')
    .action(async (o: WindowFlags) => {
      const cfg = config(ctx, program);
      const window = windowFrom(o);
      const registry = registryFor(cfg);
      const s = await withStore(cfg, (store) =>
        doraSummary(store, registry, cfg, { ...window, by: o.by ?? null }),
      );
      if (o.json) return printJson(ctx, s);
      const rows = s.rows.map((r) => {
        const def = registry.get(r.metric);
        return {
          ...(s.by ? { [s.by]: r.group ?? '(none)' } : {}),
          metric: r.metric,
          value: formatNumber(r.value, def.unit),
          unit: def.unit === 'ratio' ? '' : def.unit,
          'tier 2021': r.tier2021 ?? '',
          'tier 2023': r.tier2023 ?? '',
        };
      });
      const overall = Object.entries(s.overall)
        .map(([g, t]) => `${g ? `${g}: ` : ''}${t.tier2023 ?? '—'} (2023), ${t.tier2021 ?? '—'} (2021)`)
        .join('; ');
      ctx.out(
        `DORA ${s.from.toISOString().slice(0, 10)} → ${s.to.toISOString().slice(0, 10)}${s.custom ? ' (your configured tiers)' : ''}\nOverall: ${overall}\n${rowsTable(rows)}`,
      );
    });

  dora
    .command('explain')
    .description('list the rows behind a DORA number: which deployments, commits and incidents')
    .option('--metric <name>', 'which number (default: all four keys)')
    .addOption(fromOption())
    .addOption(toOption())
    .option('--by <group>', 'with --group: service, team or repo')
    .option('--group <value>', 'only rows of this service/team/repo')
    .option('--limit <n>', 'rows per metric', '50')
    .option('--json', 'print JSON')
    .action(async (o: WindowFlags & { metric?: string; group?: string; limit: string }) => {
      const cfg = config(ctx, program);
      const window = windowFrom(o);
      const registry = registryFor(cfg);
      const names = o.metric
        ? [registry.get(o.metric).name]
        : DORA_KEYS.filter((k) => k.key).map((k) => k.metric);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw invalidArgument(`--limit ${o.limit} must be a positive integer`);
      const explained = await withStore(cfg, (store) =>
        Promise.all(
          names.map((n) =>
            explainMetric(store, registry, n, { ...window, by: o.by ?? null, group: o.group ?? null, limit }),
          ),
        ),
      );
      if (o.json) return printJson(ctx, explained);
      for (const e of explained) {
        ctx.out(
          `\n${e.metric}: ${e.total} row${e.total === 1 ? '' : 's'}${e.total > e.rows.length ? ` (first ${e.rows.length})` : ''}\n`,
        );
        if (e.rows.length) ctx.out(rowsTable(e.rows));
      }
    });
}
