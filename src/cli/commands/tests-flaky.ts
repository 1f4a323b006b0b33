import type { Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { flakyTests } from '../../metrics/tests/flaky.js';
import { config, jsonOption, parseDateOption, printJson, withStore, type CliContext } from '../context.js';
import { defaultWindow } from './tests.js';

interface Options {
  from?: string;
  to?: string;
  json?: boolean;
}

/** `pitwall tests flaky [--from] [--to] [--json]`: each flaky test with the shas and runs that prove it. */
export function registerTestsFlaky(tests: Command, program: Command, ctx: CliContext): void {
  tests
    .command('flaky')
    .description('tests that both passed and failed on one commit, or passed on a retry, with evidence')
    .option('--from <time>', 'window start (default: 30 days before --to)')
    .option('--to <time>', 'window end, exclusive (default: now)')
    .addOption(jsonOption())
    .action(async (o: Options) => {
      const cfg = config(ctx, program);
      const window = defaultWindow(parseDateOption('from', o.from), parseDateOption('to', o.to));
      if (!(window.from < window.to)) throw invalidArgument('--from must be before --to');
      const flaky = await withStore(cfg, (store) => flakyTests(store, window));
      if (o.json) return printJson(ctx, { from: window.from, to: window.to, tests: flaky });
      if (!flaky.length) return ctx.out('no flaky tests in the window\n');
      for (const t of flaky) {
        const where = [t.repo, t.file ?? t.class_name].filter(Boolean).join(' ');
        ctx.out(`${t.test_id}  ${t.class_name ? `${t.class_name}.` : ''}${t.name}  (${where})\n`);
        for (const e of t.evidence)
          ctx.out(
            `    ${e.sha ? `sha ${e.sha.slice(0, 12)}` : 'one run'}: ${e.passed} passed, ${e.failed} failed` +
              `${e.retries ? `, ${e.retries} runner retries` : ''} in run ${e.runs.join(', ')}\n`,
          );
      }
      ctx.out(`${flaky.length} flaky test${flaky.length === 1 ? '' : 's'}\n`);
    });
}
