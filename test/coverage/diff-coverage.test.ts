import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { explainMetric } from '../../src/metrics/registry/registry.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { collectGit, testConfig } from '../helpers/collect-git.js';
import { TestRepo } from '../helpers/git-repo.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';
import { CALC, runC8, TEST } from './project.js';

/** PR 1 adds lines 16-22 of lib/calc.js; its test calls half(4), never half(-1). */
const HALF = `function half(n) {
  if (n < 0) {
    return 0;
  }
  return n / 2;
}
module.exports.half = half;
`;

// git.added_lines is off by default (it costs the git collector time): diff coverage needs it.
const base = testConfig();
const config = testConfig({ git: { ...base.git, added_lines: true } });
const registry = registryFor(config);
const week = { from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-11T00:00:00Z') };

/**
 * The whole path on a real repository: git collected with the lines each PR's landing commit
 * added, a c8 report of the merge commit collected through the CLI, the PRs as GitHub would
 * send them, then enrichment and the metrics.
 *
 *   c1       lib/calc.js (15 lines), test.js                          2024-03-04
 *   merge    "Merge pull request #1 from acme/half" (--no-ff)          2024-03-05 10:00
 *            its first-parent diff adds lib/calc.js 16-22 and one line of test.js
 *   docs     "Notes (#3)": a squash that adds docs/notes.md only       2024-03-05 11:00
 *   merge2   "Merge pull request #2 from acme/more" adds lib/calc.js    2024-03-06 10:00
 *   report   c8 on `merge`, collected --at 2024-03-05T12:00Z
 *
 * c8 covers lines 16, 17, 20, 21, 22 of the seven PR 1 added (half(-1) never runs: 18 and 19
 * are not); test.js is not in the report (c8 leaves test files out), so PR 1's diff coverage
 * is exactly 5/7. PR 3 added no executable line; PR 2 has no report on or after its merge.
 */
describe.each(ENGINES)('diff coverage of merged PRs on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  const repo = new TestRepo();
  const sha: Record<string, string> = {};
  const read = <T>(sql: string) => queryOnce<T & Record<string, unknown>>(t, sql);
  beforeAll(async () => {
    t = await openTestStore(engine);
    env = storeEnv(t);
    repo.git(['remote', 'add', 'origin', 'https://github.com/acme/calc.git']);
    mkdirSync(join(repo.dir, 'lib'));
    repo.write('lib/calc.js', CALC).write('test.js', TEST);
    sha.c1 = repo.commit('calc', { at: '2024-03-04T10:00:00Z' });
    repo.git(['checkout', '-q', '-b', 'half']);
    appendFileSync(join(repo.dir, 'lib/calc.js'), HALF);
    appendFileSync(join(repo.dir, 'test.js'), "if (require('./lib/calc.js').half(4) !== 2) throw new Error('half');\n");
    repo.git(['add', '.']);
    sha.half = repo.commit('half', { at: '2024-03-05T09:00:00Z' });
    repo.git(['checkout', '-q', 'main']);
    repo.git(['merge', '-q', '--no-ff', 'half', '-m', 'Merge pull request #1 from acme/half'], {
      at: '2024-03-05T10:00:00Z',
    });
    sha.merge = repo.head();
    runC8(repo.dir);
    mkdirSync(join(repo.dir, 'docs'));
    repo.write('docs/notes.md', '# Notes\n\nHow to halve.\n');
    sha.docs = repo.commit('Notes (#3)', { at: '2024-03-05T11:00:00Z' });
    repo.git(['checkout', '-q', '-b', 'more']);
    appendFileSync(join(repo.dir, 'lib/calc.js'), 'module.exports.twice = (n) => n * 2;\n');
    repo.git(['add', 'lib/calc.js']);
    repo.commit('twice', { at: '2024-03-06T09:00:00Z' });
    repo.git(['checkout', '-q', 'main']);
    repo.git(['merge', '-q', '--no-ff', 'more', '-m', 'Merge pull request #2 from acme/more'], {
      at: '2024-03-06T10:00:00Z',
    });
    sha.merge2 = repo.head();

    await collectGit(t.store, repo.dir, { config });
    const pr = (number: number, merged: string, merge_sha: string) => ({
      kind: 'pull_request',
      repo: 'acme/calc',
      number,
      author: 'ada',
      state: 'merged',
      created_at: '2024-03-04T12:00:00Z',
      merged_at: merged,
      closed_at: merged,
      merge_sha,
    });
    await ingest(t.store, [
      pr(1, '2024-03-05T10:00:00Z', sha.merge),
      pr(2, '2024-03-06T10:00:00Z', sha.merge2),
      pr(3, '2024-03-05T11:00:00Z', sha.docs),
    ]);
    await ensureFresh(t.store, config);
    await t.store.close();
    const r = await cli(
      ['collect', 'coverage', 'coverage/lcov.info', '--format', 'lcov', '--sha', sha.merge, '--branch', 'main', '--at', '2024-03-05T12:00:00Z'],
      { env, cwd: repo.dir },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    t.store = await openStore(t.config);
  });
  afterAll(async () => {
    await t?.cleanup();
    repo.cleanup();
  });

  it('git records the lines each PR’s landing commit added, in that commit’s tree', async () => {
    const rows = await read<{ sha: string; added: string }>('select sha, added from commit_lines order by sha');
    expect(Object.fromEntries(rows.map((r) => [r.sha, JSON.parse(r.added)]))).toEqual({
      [sha.merge!]: { 'lib/calc.js': '16-22', 'test.js': '4' },
      [sha.docs!]: { 'docs/notes.md': '1-3' },
      [sha.merge2!]: { 'lib/calc.js': '23' },
    });
  });

  it('per PR: 5 of 7 executable added lines covered; the others left out with their reason', async () => {
    const rows = await read<Record<string, unknown>>(
      'select number, report_sha, lines_added, lines_coverable, lines_covered, left_out from pr_diff_coverage order by number',
    );
    expect(rows.map((r) => ({ ...r, lines_added: Number(r.lines_added) }))).toEqual([
      { number: 1, report_sha: sha.merge, lines_added: 8, lines_coverable: 7, lines_covered: 5, left_out: null },
      { number: 2, report_sha: null, lines_added: 1, lines_coverable: null, lines_covered: null, left_out: 'no_report' },
      // Its own commit has no report; the next one collected after its merge is the merge's.
      { number: 3, report_sha: sha.merge, lines_added: 3, lines_coverable: 0, lines_covered: 0, left_out: 'no_coverable_lines' },
    ]);
  });

  it('tests.coverage.diff_line_rate is exactly 5/7; explain counts the two PRs it leaves out', async () => {
    const [v] = await registry.compute(t.store, 'tests.coverage.diff_line_rate', week);
    expect(v!.value).toBeCloseTo(5 / 7, 12);
    const ex = await explainMetric(t.store, registry, 'tests.coverage.diff_line_rate', week);
    expect(ex.total).toBe(1);
    expect(ex.left_out).toMatchObject({ total: 2, reasons: { no_report: 1, no_coverable_lines: 1 } });
  });

  it('a report collected later for PR 2’s merge commit gives it a rate on the next enrichment', async () => {
    await ingest(t.store, [
      {
        kind: 'coverage_report',
        report_id: 'hand:merge2',
        repo: 'acme/calc',
        sha: sha.merge2,
        format: 'lcov',
        collected_at: '2024-03-06T12:00:00Z',
        files: 1,
        lines_covered: 22,
        lines_total: 23,
        branches_covered: 0,
        branches_total: 0,
      },
      {
        kind: 'coverage_file',
        report_id: 'hand:merge2',
        repo: 'acme/calc',
        sha: sha.merge2,
        path: 'lib/calc.js',
        lines_covered: 22,
        lines_total: 23,
        branches_covered: 0,
        branches_total: 0,
        covered_lines: '1-22',
        uncovered_lines: '23',
      },
    ]);
    await ensureFresh(t.store as Store, config);
    const [pr2] = await read<{ lines_coverable: number; lines_covered: number; left_out: string | null }>(
      'select lines_coverable, lines_covered, left_out from pr_diff_coverage where number = 2',
    );
    expect(pr2).toEqual({ lines_coverable: 1, lines_covered: 0, left_out: null });
    const [v] = await registry.compute(t.store, 'tests.coverage.diff_line_rate', week);
    expect(v!.value).toBeCloseTo(5 / 8, 12);
  });
});

describe('a rebase-merged PR, whose landing commit names no PR', () => {
  it('gets its added lines when GitHub’s merge_sha is known before git is collected', async () => {
    const t = await openTestStore('duckdb');
    const repo = new TestRepo();
    try {
      repo.git(['remote', 'add', 'origin', 'https://github.com/acme/calc.git']);
      repo.write('a.txt', 'one\n');
      repo.commit('start', { at: '2024-03-04T10:00:00Z' });
      repo.write('a.txt', 'one\ntwo\nthree\n');
      const rebased = repo.commit('Rebased change', { at: '2024-03-05T10:00:00Z' });
      await ingest(t.store, [
        {
          kind: 'pull_request',
          repo: 'acme/calc',
          number: 5,
          author: 'ada',
          state: 'merged',
          created_at: '2024-03-04T12:00:00Z',
          merged_at: '2024-03-05T10:00:00Z',
          merge_sha: rebased,
        },
      ]);
      await collectGit(t.store, repo.dir, { config });
      const rows = await t.store.query<{ sha: string; added: string }>('select sha, added from commit_lines');
      expect(rows).toEqual([{ sha: rebased, added: JSON.stringify({ 'a.txt': '2-3' }) }]);
    } finally {
      await t.cleanup();
      repo.cleanup();
    }
  });
});
