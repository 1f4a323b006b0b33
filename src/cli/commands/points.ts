import { Option, type Command } from 'commander';
import { POINT_BUCKETS, POINT_STATS, parseStats, parseTagFilters, pointsStats } from '../../report/points.js';
import {
  fromOption,
  printJson,
  readWindow,
  rowsTable,
  toOption,
  type CliContext,
  type WindowFlags,
} from '../context.js';

interface Options extends WindowFlags {
  by?: string;
  bucket?: (typeof POINT_BUCKETS)[number];
  tag: string[];
  stat?: string;
}

/** `pitwall points NAME [--by TAG] [--bucket day] [--tag k:v] [--json]`: a series' stats and percentiles. */
export function registerPoints(program: Command, ctx: CliContext): void {
  program
    .command('points')
    .description(
      'a StatsD series over a window: count, sum, min, max, avg and p50/p90/p99 from its merged sketches (within 1%)',
    )
    .argument('<name>', 'the stored series name, e.g. testenv.provision.total_duration')
    .addOption(fromOption())
    .addOption(toOption())
    .option('--by <tag>', 'one row per value of this tag, e.g. repo')
    .addOption(
      new Option('--bucket <size>', 'per hour, day or week (default: the whole window)').choices(
        POINT_BUCKETS,
      ),
    )
    .option(
      '--tag <key:value>',
      'only series with this tag (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--stat <list>', `statistics to show, comma-separated (${POINT_STATS.join(', ')})`)
    .option('--json', 'print JSON')
    .action(async (name: string, o: Options) => {
      const stats = parseStats(o.stat);
      const tags = parseTagFilters(o.tag);
      const answer = await readWindow(ctx, program, o, (store, _cfg, window) =>
        pointsStats(store, { name, ...window, by: o.by ?? null, bucket: o.bucket, tags, stats }),
      );
      if (o.json) return printJson(ctx, answer);
      if (!answer.rows.length) return ctx.out(`${name}: no points in the window\n`);
      const shown =
        stats ??
        (answer.kind === 'distribution' ? POINT_STATS : POINT_STATS.filter((s) => !s.startsWith('p')));
      const rows = answer.rows.map((r) => ({
        ...(answer.bucket !== 'none' ? { bucket: r.bucket } : {}),
        ...(answer.by ? { [answer.by]: r.group ?? '(none)' } : {}),
        ...Object.fromEntries(shown.map((s) => [s, r[s]])),
        ...(r.rolled_up ? { note: 'daily rollup' } : {}),
      }));
      const accuracy = answer.relative_accuracy
        ? ` (percentiles within ${answer.relative_accuracy * 100}%)`
        : '';
      ctx.out(
        `${name} (${answer.kind}) ${answer.from.toISOString()} → ${answer.to.toISOString()}${accuracy}\n${rowsTable(rows)}`,
      );
    });
}
