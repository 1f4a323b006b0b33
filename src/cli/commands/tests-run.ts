import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { glob } from 'tinyglobby';
import { readReports } from '../../collectors/junit/read.js';
import { toRecords } from '../../collectors/junit/records.js';
import { sha as shaSchema } from '../../domain/kinds/common.js';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { ingest } from '../../ingest/ingest.js';
import { listQuarantine, quarantinedBy } from '../../quarantine/quarantine.js';
import { config, parseDateOption, withWritableStore, type CliContext } from '../context.js';
import { parseAttempt, reportOptions } from './collect-junit.js';

interface Options {
  report: string;
  repo?: string;
  sha?: string;
  branch?: string;
  run?: string;
  attempt?: string;
  at?: string;
}

/** File systems with coarse timestamps can date a report just written a little before the start. */
const MTIME_SLACK_MS = 1000;

function runCommand(argv: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: 'inherit' });
    child.on('error', (e) => reject(invalidArgument(`cannot start ${argv[0]}: ${e.message}`)));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

/**
 * `pitwall tests run [--report GLOB] -- CMD ARGS...`: runs the test command, then collects the
 * reports it wrote. Exit 0 when the command passed, or failed only through quarantined tests;
 * 1 when a failing test is not quarantined; 2 when the runner crashed: killed, no fresh report,
 * a malformed report, or a failure exit with no failing test in its reports.
 */
export function registerTestsRun(tests: Command, program: Command, ctx: CliContext): void {
  reportOptions(
    tests
      .command('run')
      .description('run a test command; pass when every failure is quarantined')
      .argument('<command...>', 'the test command, after --')
      .option('--report <glob>', 'reports the command writes', '**/junit*.xml'),
  ).action(async (argv: string[], o: Options) => {
    const cfg = config(ctx, program);
    // Bad options fail before the tests run, not after ten minutes of them.
    const sha = o.sha === undefined ? null : shaSchema.safeParse(o.sha);
    if (sha && !sha.success)
      throw invalidArgument(`--sha ${JSON.stringify(o.sha)}: expected a hex commit sha`);
    const attempt = parseAttempt(o.attempt);
    const at = parseDateOption('at', o.at) ?? null;
    const started = Date.now();
    const { code, signal } = await runCommand(argv, ctx.cwd, { ...process.env, ...ctx.env });
    const cmd = argv.join(' ');
    if (signal) throw invalidArgument(`${cmd} was killed by ${signal}: the runner crashed`);

    const found = await glob(o.report, {
      cwd: ctx.cwd,
      absolute: true,
      onlyFiles: true,
      ignore: ['**/node_modules/**'],
    });
    const fresh: string[] = [];
    for (const f of found.sort()) if ((await stat(f)).mtimeMs >= started - MTIME_SLACK_MS) fresh.push(f);
    if (!fresh.length)
      throw invalidArgument(
        `${cmd} exited ${code} and wrote no report matching ${o.report} since it started` +
          `${found.length ? ` (${found.length} older report${found.length === 1 ? '' : 's'} ignored)` : ''}` +
          `: the runner crashed or does not write JUnit XML there`,
      );
    const reports = await readReports(fresh, ctx.cwd);
    const records = toRecords(reports, {
      repo: o.repo ?? null,
      sha: sha?.data ?? null,
      branch: o.branch ?? null,
      runId: o.run ?? null,
      attempt,
      at,
      cwd: ctx.cwd,
    });
    const quarantine = await withWritableStore(cfg, async (store) => {
      await ingest(store, records);
      return listQuarantine(store, new Date());
    });

    // A test fails when its last attempt failed: one that passed on a runner retry did not.
    const last = new Map<string, (typeof records)[number]>();
    for (const r of records)
      if ((last.get(r.test_id)?.attempt ?? 0) <= (r.attempt ?? 1)) last.set(r.test_id, r);
    const failing = [...last.values()].filter((r) => r.status === 'failed' || r.status === 'error');
    const unexcused = failing.filter(
      (r) => !quarantinedBy(quarantine, { ...r, class_name: r.class_name ?? '' }),
    );
    const label = (r: (typeof failing)[number]) =>
      `${r.class_name ? `${r.class_name}.` : ''}${r.name} (${r.test_id})`;
    ctx.out(
      `pitwall: ${records.length} test results from ${fresh.length} report(s); ${failing.length} failing\n`,
    );

    if (code === 0) return;
    if (!failing.length)
      throw invalidArgument(
        `${cmd} exited ${code} but its reports show no failing test: the runner crashed or failed for another reason`,
      );
    if (unexcused.length)
      throw new PitwallError(
        'tests_failed',
        `${unexcused.length} failing test${unexcused.length === 1 ? ' is' : 's are'} not quarantined: ` +
          unexcused.slice(0, 10).map(label).join(', ') +
          (unexcused.length > 10 ? `, and ${unexcused.length - 10} more` : ''),
        { failing: unexcused.map((r) => r.test_id) },
      );
    ctx.out(`pitwall: every failing test is quarantined (${failing.map(label).join(', ')}): passing\n`);
  });
}
