import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFresh } from '../../src/enrich/index.js';
import { derivePrDiffCoverage } from '../../src/enrich/steps/pr-diff-coverage.js';
import { ingest } from '../../src/ingest/ingest.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { testConfig } from '../helpers/collect-git.js';

/**
 * Diff coverage reads the lines of only the files PRs added to, a thousand (report, path)
 * pairs per query. 1,203 merged PRs, each adding lines 1-4 of its own file to one report that
 * covers lines 1-(n mod 4) of it, plus one PR whose file the report lacks: every PR gets its own
 * file's figures across the query boundary.
 */
const PRS = 1203;
const SHA = 'a'.repeat(40);

function records(): unknown[] {
  const out: unknown[] = [
    {
      kind: 'coverage_report',
      report_id: 'r1',
      repo: 'acme/big',
      sha: SHA,
      format: 'lcov',
      collected_at: '2024-03-05T12:00:00Z',
      files: PRS + 1,
      lines_covered: 0,
      lines_total: 0,
      branches_covered: 0,
      branches_total: 0,
    },
  ];
  for (let n = 1; n <= PRS + 1; n++) {
    const path = `src/f${n}.ts`;
    const sha = n.toString(16).padStart(40, '0');
    out.push({
      kind: 'pull_request',
      repo: 'acme/big',
      number: n,
      author: 'dev',
      state: 'merged',
      created_at: '2024-03-04T09:00:00Z',
      merged_at: '2024-03-05T10:00:00Z',
      merge_sha: sha,
    });
    out.push({ kind: 'commit_lines', repo: 'acme/big', sha, added: { [path]: '1-4' } });
    // The last PR's file is not in the report.
    if (n <= PRS) {
      const covered = n % 4;
      out.push({
        kind: 'coverage_file',
        report_id: 'r1',
        repo: 'acme/big',
        sha: SHA,
        path,
        lines_covered: covered,
        lines_total: 4,
        branches_covered: 0,
        branches_total: 0,
        covered_lines: covered ? `1-${covered}` : '',
        uncovered_lines: covered === 4 ? '' : covered === 3 ? '4' : `${covered + 1}-4`,
      });
    }
  }
  return out;
}

describe.each(ENGINES)('diff coverage over many PRs on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, records());
    await ensureFresh(t.store, testConfig());
  });
  afterAll(() => t.cleanup());

  it('gives each PR the figures of its own file, past a thousand pairs', async () => {
    const rows = await t.store.query<{ number: number; lines_coverable: number | null; lines_covered: number | null; left_out: string | null }>(
      'select number, lines_coverable, lines_covered, left_out from pr_diff_coverage order by number',
    );
    expect(rows).toHaveLength(PRS + 1);
    expect(rows.slice(0, PRS).map((r) => [Number(r.lines_coverable), Number(r.lines_covered), r.left_out])).toEqual(
      Array.from({ length: PRS }, (_, i) => [4, (i + 1) % 4, null]),
    );
    expect(rows[PRS]).toMatchObject({ lines_coverable: 0, left_out: 'no_coverable_lines' });
  });

  it('after a change to PRs alone keeps the rows of the others and matches a whole rebuild', async () => {
    const pr = (number: number, extra: Record<string, unknown>) => ({
      kind: 'pull_request',
      repo: 'acme/big',
      number,
      author: 'dev',
      state: 'merged',
      created_at: '2024-03-04T09:00:00Z',
      merged_at: '2024-03-05T10:00:00Z',
      ...extra,
    });
    await ingest(t.store, [
      // No longer merged (reverted in the source): its row goes.
      pr(1, { state: 'open', merged_at: null, merge_sha: null }),
      // Lands another commit, one whose lines are PR 3's.
      pr(2, { merge_sha: (3).toString(16).padStart(40, '0') }),
      // A new PR landing PR 5's commit.
      pr(PRS + 2, { merge_sha: (5).toString(16).padStart(40, '0') }),
    ]);
    await ensureFresh(t.store, testConfig());
    const read = () =>
      t.store.query('select * from pr_diff_coverage order by repo, number');
    const incremental = await read();
    await derivePrDiffCoverage(t.store);
    expect(await read()).toEqual(incremental);
    const byNumber = new Map(incremental.map((r) => [Number(r.number), r]));
    expect(byNumber.has(1)).toBe(false);
    expect([2, PRS + 2].map((n) => Number(byNumber.get(n)!.lines_covered))).toEqual([3, 1]);
    expect(incremental).toHaveLength(PRS + 1);
  });
});
