import type { Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { flakyTests } from '../../metrics/tests/flaky.js';
import {
  addQuarantine,
  listQuarantine,
  removeQuarantine,
  type NewEntry,
} from '../../quarantine/quarantine.js';
import { config, jsonOption, parseDateOption, printJson, withStore, type CliContext } from '../context.js';
import { defaultWindow } from './tests.js';

interface AddOptions {
  name?: string[];
  auto?: boolean;
  reason?: string;
  by?: string;
  expires?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `pitwall tests quarantine list|add|remove` */
export function registerTestsQuarantine(tests: Command, program: Command, ctx: CliContext): void {
  const q = tests.command('quarantine').description('tests whose failures do not fail `pitwall tests run`');

  q.command('list')
    .description('every quarantine entry, expired ones included')
    .addOption(jsonOption())
    .action(async (o: { json?: boolean }) => {
      const entries = await withStore(config(ctx, program), (store) => listQuarantine(store));
      if (o.json) return printJson(ctx, entries);
      if (!entries.length) return ctx.out('nothing is quarantined\n');
      const now = Date.now();
      for (const e of entries) {
        const expired = e.expires_at && new Date(e.expires_at).getTime() <= now ? ' [expired]' : '';
        ctx.out(`${e.id}  ${e.reason}${e.added_by ? ` (by ${e.added_by})` : ''}${expired}\n`);
      }
    });

  q.command('add')
    .description(
      'quarantine tests by id, by --name "Class.test" pattern (* wildcards), or --auto (all flaky)',
    )
    .argument('[test-ids...]', 'test ids (see: pitwall tests flaky)')
    .option('--name <pattern>', 'a "Class.test" or "test" name pattern; repeatable', collect)
    .option('--auto', 'quarantine every test flaky in the window (--from/--to, default 30 days)')
    .option('--reason <text>', 'why', 'quarantined')
    .option('--by <who>', 'who decided')
    .option('--expires <time>', 'when the entry stops excusing failures')
    .option('--from <time>', 'with --auto: window start')
    .option('--to <time>', 'with --auto: window end')
    .addOption(jsonOption())
    .action(async (ids: string[], o: AddOptions) => {
      const cfg = config(ctx, program);
      const expires = parseDateOption('expires', o.expires) ?? null;
      const window = defaultWindow(parseDateOption('from', o.from), parseDateOption('to', o.to));
      if (!ids.length && !o.name?.length && !o.auto)
        throw invalidArgument('name what to quarantine: test ids, --name "Class.test", or --auto');
      const base = { reason: o.reason ?? 'quarantined', added_by: o.by ?? null, expires_at: expires };
      const added = await withStore(cfg, async (store) => {
        const entries: NewEntry[] = [
          ...ids.map((id) => ({ ...base, test_id: id, name_pattern: null })),
          ...(o.name ?? []).map((p) => ({ ...base, test_id: null, name_pattern: p })),
        ];
        if (o.auto)
          for (const t of await flakyTests(store, window))
            entries.push({
              ...base,
              reason: o.reason ?? 'flaky (auto)',
              test_id: t.test_id,
              name_pattern: null,
            });
        return addQuarantine(store, entries);
      });
      if (o.json) return printJson(ctx, added);
      for (const e of added) ctx.out(`quarantined ${e.id}\n`);
      if (!added.length) ctx.out('no flaky tests in the window: nothing quarantined\n');
    });

  q.command('remove')
    .description('end a quarantine, by entry id, test id or pattern')
    .argument('<what>', 'entry id (id:..., name:...), test id or name pattern')
    .action(async (what: string) => {
      const n = await withStore(config(ctx, program), (store) => removeQuarantine(store, what));
      ctx.out(`removed ${n} quarantine entr${n === 1 ? 'y' : 'ies'}\n`);
    });
}
