import type { Command } from 'commander';
import { registryFor } from '../../metrics/definitions/index.js';
import { DORA_KEYS, doraSummary } from '../../report/dora.js';
import { formatNumber } from '../../report/format.js';
import {
  printJson,
  readWindow,
  rowsTable,
  windowedCommand,
  type CliContext,
  type WindowFlags,
} from '../context.js';
import { explainAll, printExplanations, withExplainOptions, type ExplainFlags } from '../explain.js';

/** `pitwall dora` and `pitwall dora explain`: the four keys, their tiers, and the rows behind them. */
export function registerDora(program: Command, ctx: CliContext): void {
  const dora = windowedCommand(
    program,
    'dora',
    'DORA metrics with their tier under the 2021 and 2023 benchmarks',
  )
    .option('--by <group>', 'service, team or repo')
    .action(async (o: WindowFlags & { by?: string }) => {
      const { s, registry } = await readWindow(ctx, program, o, async (store, cfg, window) => {
        const registry = registryFor(cfg);
        return { s: await doraSummary(store, registry, cfg, { ...window, by: o.by ?? null }), registry };
      });
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

  withExplainOptions(
    windowedCommand(
      dora,
      'explain',
      'list the rows behind a DORA number: which deployments, commits and incidents',
    ),
  )
    .option('--metric <name>', 'which number (default: all four keys)')
    .action(async (o: ExplainFlags & { metric?: string }) => {
      const explained = await readWindow(ctx, program, o, (store, cfg, window) => {
        const registry = registryFor(cfg);
        const names = o.metric
          ? [registry.get(o.metric).name]
          : DORA_KEYS.filter((k) => k.key).map((k) => k.metric);
        return explainAll(store, registry, names, window, o);
      });
      if (!o.json) ctx.out('\n');
      printExplanations(ctx, explained, { json: o.json, single: false });
    });
}
