import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { AnyCollector } from '../../collectors/collector.js';
import type { CollectSummary } from '../../collectors/run.js';
import { invalidArgument } from '../../errors/errors.js';
import { collectLogger, failIfAnySource, prepareForCli, runIntoStore } from '../collect-run.js';
import { config, jsonOption, printJson, type CliContext } from '../context.js';

/** `key=value`, the value read as YAML so `5`, `true` and `[a, b]` arrive as what they say. */
export function parseOptionFlags(flags: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const eq = f.indexOf('=');
    if (eq <= 0)
      throw invalidArgument(`--option ${JSON.stringify(f)}: expected key=value, e.g. --option path=../api`);
    const raw = f.slice(eq + 1);
    let value: unknown;
    try {
      value = parseYaml(raw);
    } catch {
      value = raw;
    }
    out[f.slice(0, eq)] = value ?? raw;
  }
  return out;
}

const written = (s: CollectSummary) =>
  Object.entries(s.written)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ') || 'nothing new';

/**
 * `pitwall collect <id> [--option key=value ...] [--json]` for a collector without flags of its
 * own: its options are exactly those of a `collectors:` job in pitwall.yaml.
 */
export function collectGenericFlags(
  cmd: Command,
  collector: AnyCollector,
  ctx: CliContext,
  program: Command,
): void {
  const keys = collector.configSchema instanceof z.ZodObject ? Object.keys(collector.configSchema.shape) : [];
  cmd
    .option(
      '--option <key=value>',
      `an option of the collector${keys.length ? ` (${keys.join(', ')})` : ''}; repeatable`,
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .addOption(jsonOption())
    .action(async (o: { option: string[]; json?: boolean }) => {
      const cfg = config(ctx, program);
      const logger = collectLogger(ctx, collector.id);
      const job = await prepareForCli(collector, parseOptionFlags(o.option), cfg, ctx, logger);
      const s = await runIntoStore(job, cfg, logger);
      if (o.json)
        printJson(ctx, {
          source: s.source,
          written: s.written,
          records: s.total,
          facts: s.facts,
          ...(s.sources ? { sources: s.sources } : {}),
          elapsed_ms: Math.round(s.elapsedMs),
        });
      else ctx.out(`${s.source}: ${written(s)} written in ${(s.elapsedMs / 1000).toFixed(1)}s\n`);
      failIfAnySource(s);
    });
}
