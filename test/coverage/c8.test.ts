import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';
import { runC8, writeProject, type C8Summary } from './project.js';

/** Coverage reports written by a real tool (c8 over a tiny project), collected through the CLI. */
describe.each(ENGINES)('pitwall collect coverage of a c8 run on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  const repo = new TestRepo();
  let head = '';
  let c8: { total: C8Summary; files: Record<string, C8Summary> };
  const rows = <T>(sql: string) => queryOnce<T & Record<string, unknown>>(t, sql);
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    env = storeEnv(t);
    repo.git(['remote', 'add', 'origin', 'git@github.com:acme/calc.git']);
    writeProject(repo.dir);
    repo.git(['add', 'lib', 'test.js']);
    head = repo.commit('calc');
    c8 = runC8(repo.dir);
  });
  afterAll(async () => {
    await t?.cleanup();
    repo.cleanup();
  });

  for (const [format, file] of [
    ['lcov', 'coverage/lcov.info'],
    ['cobertura', 'coverage/cobertura-coverage.xml'],
  ] as const)
    it(`${format}: totals equal c8's own summary; repo, sha and branch come from the git repository`, async () => {
      const r = await cli(['collect', 'coverage', file, '--format', format, '--json'], { env, cwd: repo.dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(out).toMatchObject({
        repo: 'acme/calc',
        sha: head,
        branch: 'main',
        files: 1,
        lines_covered: c8.total.lines.covered,
        lines_total: c8.total.lines.total,
        branches_covered: c8.total.branches.covered,
        branches_total: c8.total.branches.total,
      });
      // The numbers c8 printed for this project: 9 of 15 lines, 3 of 4 branches.
      expect([c8.total.lines.covered, c8.total.lines.total, c8.total.branches.covered, c8.total.branches.total]).toEqual([
        9, 15, 3, 4,
      ]);
      const files = await rows<{ path: string; covered_lines: string; uncovered_lines: string; lines_covered: number }>(
        `select f.path, f.covered_lines, f.uncovered_lines, f.lines_covered from coverage_files f
         join coverage_reports r on r.report_id = f.report_id where r.format = '${format}'`,
      );
      const perFile = Object.values(c8.files)[0]!;
      // The repository-relative path whatever the tool wrote (lcov: relative; Cobertura: under <source>).
      expect(files).toEqual([
        {
          path: 'lib/calc.js',
          covered_lines: '1-7,11,15',
          uncovered_lines: '8-10,12-14',
          lines_covered: perFile.lines.covered,
        },
      ]);
    });

  it('collecting the same report again writes nothing new; one report per format', async () => {
    const before = await rows<{ n: number }>('select count(*) as n from coverage_files');
    const r = await cli(['collect', 'coverage', 'coverage/lcov.info', '--format', 'lcov'], { env, cwd: repo.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^acme\/calc@[0-9a-f]{12}: 1 files, lines 9\/15 \(60\.00%\), branches 3\/4 \(75\.00%\) written/);
    const after = await rows<{ n: number }>('select count(*) as n from coverage_files');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
    const reports = await rows<{ format: string; sha: string }>('select format, sha from coverage_reports order by format');
    expect(reports).toEqual([
      { format: 'cobertura', sha: head },
      { format: 'lcov', sha: head },
    ]);
  });
});
