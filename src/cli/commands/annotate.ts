import type { Command } from 'commander';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { ingest } from '../../ingest/ingest.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { annotationRecord, listAnnotations, metricOf } from '../../report/impact/index.js';
import {
  config,
  parseDateOption,
  printJson,
  rowsTable,
  withStore,
  withWritableStore,
  type CliContext,
} from '../context.js';

interface AnnotateFlags {
  at?: string;
  metric?: string;
  repo?: string;
  team?: string;
  category?: string;
  id?: string;
  list?: boolean;
  from?: string;
  to?: string;
  limit: string;
  json?: boolean;
}

/** `pitwall annotate "TEXT" --at T`: mark a dated change for impact analysis (`--list` shows them). */
export function registerAnnotate(program: Command, ctx: CliContext): void {
  program
    .command('annotate')
    .description(
      'mark a dated change (an optimisation, a release) so pitwall impact can compare before and after',
    )
    .argument('[text]', 'what changed, e.g. "Provision as soon as images are built"')
    .option('--at <time>', 'when the change took effect (ISO-8601; default now)')
    .option('--metric <name>', 'the metric the change is expected to move (see pitwall metrics list)')
    .option('--repo <owner/name>', 'the repository it concerns (default: all)')
    .option('--team <team>', 'the team it concerns (default: all)')
    .option(
      '--category <category>',
      'what sort of change: optimisation, release, incident-review, ... (default note; with --list: only these)',
    )
    .option(
      '--id <id>',
      'your own id (default: derived from the text and time, so a retry records nothing twice)',
    )
    .option(
      '--list',
      'list annotations instead (newest first; --metric, --category, --from, --to narrow them)',
    )
    .option('--from <date>', 'with --list: from this date')
    .option('--to <date>', 'with --list: before this date')
    .option('--limit <n>', 'with --list: at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (text: string | undefined, o: AnnotateFlags) => {
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      if (o.metric) metricOf(registry, o.metric); // an unknown name fails before the store opens
      if (o.list) {
        if (text !== undefined)
          throw invalidArgument('--list takes no text: drop the text, or drop --list to record it');
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw invalidArgument(`--limit ${o.limit}: give a whole number from 1 to 1000`);
        const rows = await withStore(cfg, (store) =>
          listAnnotations(store, {
            metric: o.metric ?? null,
            category: o.category ?? null,
            from: parseDateOption('from', o.from) ?? null,
            to: parseDateOption('to', o.to) ?? null,
            limit,
          }),
        );
        if (o.json) printJson(ctx, { annotations: rows });
        else if (!rows.length)
          ctx.out('no annotations (record one with pitwall annotate "TEXT" --at DATE)\n');
        else ctx.out(rowsTable(rows, ['id', 'occurred_at', 'title', 'metric', 'repo', 'category']));
        return;
      }
      const title = text?.trim();
      if (!title)
        throw invalidArgument(
          'say what changed: pitwall annotate "Provision as soon as images are built" --at 2024-05-01T09:00:00Z [--metric NAME]',
        );
      const at = parseDateOption('at', o.at) ?? new Date();
      const record = annotationRecord({
        title,
        at,
        metric: o.metric ?? null,
        repo: o.repo ?? null,
        team: o.team ?? null,
        category: o.category ?? 'note',
        id: o.id,
      });
      await withWritableStore(cfg, async (store) => {
        await ingest(store, [record]).catch(rethrowAsArgument);
      });
      if (o.json) printJson(ctx, { id: record.id, occurred_at: at, title, metric: record.metric });
      else
        ctx.out(
          `recorded annotation ${record.id}: ${title} at ${at.toISOString()}${record.metric ? ` (metric ${record.metric})` : ''}\n` +
            `compare with: pitwall impact --metric ${record.metric ?? 'NAME'} --annotation ${record.id}\n`,
        );
    });
}

/** A bad value given on the command line is the user's to fix: exit 2, not a crash. */
function rethrowAsArgument(e: unknown): never {
  if (e instanceof PitwallError && e.code === 'invalid_records')
    throw invalidArgument(e.message.replace(/^record 0 \((\w+)\): /, '$1 '), e.details);
  throw e;
}
