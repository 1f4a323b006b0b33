import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGit, testConfig } from '../../../test/helpers/collect-git.js';
import { buildFixture, lines, TestRepo, type Fixture } from '../../../test/helpers/git-repo.js';
import { ENGINES, openTestStore, type TestStore } from '../../../test/helpers/stores.js';
import { ingest } from '../../ingest/ingest.js';
import { PitwallError } from '../../errors/errors.js';
import { readSource } from '../sources.js';

interface CommitRow {
  sha: string;
  author: string;
  additions: number;
  deletions: number;
  files: number;
  parents: string;
  is_merge: boolean;
  is_hotfix: boolean;
  reverts_sha: string | null;
  pr_number: number | null;
  subject: string;
  authored_at: Date;
}

/** additions, deletions, files per sha, as `git log --numstat` reports them (merges: vs first parent). */
function numstatOf(dir: string): Map<string, { additions: number; deletions: number; files: number }> {
  const out = execFileSync('git', ['log', '--all', '--numstat', '--format=@%H'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const m = new Map<string, { additions: number; deletions: number; files: number }>();
  let cur: { additions: number; deletions: number; files: number } | null = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('@')) m.set(line.slice(1), (cur = { additions: 0, deletions: 0, files: 0 }));
    else if (line && cur) {
      const [a, d] = line.split('\t');
      cur.files++;
      cur.additions += a === '-' ? 0 : Number(a);
      cur.deletions += d === '-' ? 0 : Number(d);
    }
  }
  return m;
}

const revCount = (dir: string, args = ['--all']) =>
  Number(execFileSync('git', ['rev-list', '--count', ...args], { cwd: dir, encoding: 'utf8' }).trim());

describe.each(ENGINES)('git collector on %s', (engine) => {
  let t: TestStore;
  let f: Fixture;
  let commits: Map<string, CommitRow>;
  beforeAll(async () => {
    t = await openTestStore(engine);
    f = buildFixture();
    // A person known from elsewhere keeps their team: git only adds people it has not seen.
    await ingest(t.store, [{ kind: 'person', login: 'ada@example.com', name: 'Ada', team: 'core' }]);
    const s = await collectGit(t.store, f.repo.dir, { batchSize: 3 });
    expect(s.written.commit).toBe(8);
    const rows = await t.store.query<CommitRow>(`select * from commits where repo = 'acme/shop'`);
    commits = new Map(rows.map((r) => [r.sha, r]));
  });
  afterAll(async () => {
    await t?.cleanup();
    f?.repo.cleanup();
  });
  const row = (k: keyof Fixture['sha']) => commits.get(f.sha[k])!;

  it('reads every commit reachable from any ref, named after the origin remote', () => {
    expect(commits.size).toBe(revCount(f.repo.dir));
  });

  it('matches git log --numstat for non-merges and the first-parent diff for merges', () => {
    const git = numstatOf(f.repo.dir);
    for (const [sha, r] of commits) {
      if (r.is_merge) continue;
      expect({ sha, additions: r.additions, deletions: r.deletions, files: r.files }).toEqual({
        sha,
        ...git.get(sha),
      });
    }
    const mergeDiff = execFileSync('git', ['diff', '--numstat', `${f.sha.merge}^1`, f.sha.merge], {
      cwd: f.repo.dir,
      encoding: 'utf8',
    });
    expect(mergeDiff.trim()).toBe('5\t0\tlogin.txt');
    expect(row('merge')).toMatchObject({ additions: 5, deletions: 0, files: 1 });
    expect(row('c1')).toMatchObject({ additions: 3, deletions: 0, files: 2 }); // b.bin: a file, 0 lines
    expect(row('c2')).toMatchObject({ additions: 7, deletions: 1, files: 2 });
  });

  it('flags merges and keeps parents in order', () => {
    expect(row('merge').is_merge).toBe(true);
    expect(row('merge').parents).toBe(`${f.sha.c4} ${f.sha.c3}`);
    expect([...commits.values()].filter((r) => r.is_merge)).toHaveLength(1);
    expect(row('c1').parents).toBe('');
  });

  it('reads PR numbers from merge and squash messages', () => {
    expect(row('merge').pr_number).toBe(13);
    expect(row('c2').pr_number).toBe(12);
    expect([...commits.values()].filter((r) => r.pr_number !== null)).toHaveLength(2);
  });

  it('points a revert at the commit it reverted', () => {
    expect(row('revert').reverts_sha).toBe(f.sha.c4);
    expect([...commits.values()].filter((r) => r.reverts_sha !== null)).toHaveLength(1);
  });

  it('flags hotfixes by subject and by merged branch with the default patterns', () => {
    const hot = [...commits.values()].filter((r) => r.is_hotfix).map((r) => r.sha);
    expect(hot.sort()).toEqual([f.sha.merge, f.sha.c6].sort());
  });

  it('stores authors by lowercased email, dates in UTC, people with bots flagged, without overwriting teams', async () => {
    expect(row('c1').author).toBe('ada@example.com');
    expect(row('c1').authored_at.toISOString()).toBe('2024-03-04T09:00:00.000Z');
    const people = await t.store.query<{ login: string; team: string | null; is_bot: boolean; name: string }>(
      'select login, team, is_bot, name from people order by login',
    );
    expect(people).toEqual([
      {
        login: '49699333+dependabot[bot]@users.noreply.github.com',
        team: null,
        is_bot: true,
        name: 'dependabot[bot]',
      },
      { login: 'ada@example.com', team: 'core', is_bot: false, name: 'Ada' },
      { login: 'bob@example.com', team: null, is_bot: false, name: 'Bob Builder' },
      { login: 'carol@example.com', team: null, is_bot: false, name: 'Carol' },
    ]);
  });

  it('stores tags with their target commit and date', async () => {
    const tags = await t.store.query<{ name: string; sha: string; tagged_at: Date }>(
      `select name, sha, tagged_at from tags where repo = 'acme/shop' order by name`,
    );
    expect(tags).toEqual([
      { name: 'v0.1', sha: f.sha.c2, tagged_at: new Date('2024-03-04T15:00:00Z') },
      { name: 'v1.0', sha: f.sha.c6, tagged_at: new Date('2024-03-08T12:00:00Z') },
    ]);
  });

  it('registers the repository once, and a second run reads and writes only new commits', async () => {
    expect(await t.store.query(`select repo, default_branch from repos`)).toEqual([
      { repo: 'acme/shop', default_branch: 'main' },
    ]);
    const unchanged = await collectGit(t.store, f.repo.dir);
    expect(unchanged).toMatchObject({ total: 0, facts: { commits_read: 0, incremental: true } });

    const r = f.repo;
    r.write('d.txt', lines(2));
    const c9 = r.commit('Add d', { at: '2024-03-09T10:00:00Z', author: ['Dan', 'dan@example.com'] });
    r.git(['branch', 'side', c9]); // a new ref at a known commit adds nothing
    r.git(['tag', 'v1.1', c9]);
    const s = await collectGit(t.store, r.dir);
    expect(s.written).toEqual({ commit: 1, tag: 1, person: 1 });
    expect(s.facts).toMatchObject({ commits_read: 1, incremental: true });
    const n = await t.store.query<{ n: number }>(`select count(*) as n from commits`);
    expect(n[0]!.n).toBe(revCount(r.dir));
    const src = await readSource(t.store, 'git:acme/shop');
    expect(src).toMatchObject({ kind: 'git', last_error: null, records: 8 + 2 + 3 + 1 + 3 }); // commits, tags, new people, repo; then 3
    expect(JSON.parse(src!.cursor!).tips['refs/heads/side']).toBe(c9);
  });

  it('carries on after a force-push whose old tip was garbage-collected', async () => {
    const r = f.repo;
    r.git(['checkout', '-q', '-b', 'doomed']);
    r.write('doomed.txt', 'x\n');
    const doomed = r.commit('Doomed', { at: '2024-03-09T10:30:00Z' });
    r.git(['checkout', '-q', 'main']);
    expect((await collectGit(t.store, r.dir)).written.commit).toBe(1);
    r.git(['branch', '-q', '-D', 'doomed']);
    r.git(['reflog', 'expire', '--expire=now', '--all']);
    r.git(['gc', '-q', '--prune=now']);
    expect(() => r.git(['cat-file', '-e', doomed])).toThrow();
    r.write('f.txt', 'f\n');
    const after = r.commit('After gc', { at: '2024-03-09T10:40:00Z' });
    const s = await collectGit(t.store, r.dir);
    expect(s.written.commit).toBe(1);
    expect(await t.store.query(`select sha from commits where subject = 'After gc'`)).toEqual([
      { sha: after },
    ]);
  });

  it('records a failure on the source and rethrows it clearly, keeping the old cursor', async () => {
    const r = f.repo;
    const before = await readSource(t.store, 'git:acme/shop');
    r.write('e.txt', 'unreadable\n');
    r.commit('Add e', { at: '2024-03-09T11:00:00Z' });
    const blob = r.git(['rev-parse', 'HEAD:e.txt']).trim();
    rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const err = await collectGit(t.store, r.dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PitwallError);
    expect((err as PitwallError).message).toMatch(/git log failed/);
    const after = await readSource(t.store, 'git:acme/shop');
    expect(after?.last_error).toMatch(/git log failed/);
    expect(after?.cursor).toBe(before?.cursor);
    expect(after?.last_success_at).toEqual(before?.last_success_at);
  });

  it('applies configured hotfix patterns instead of the defaults', async () => {
    const r = new TestRepo();
    try {
      r.write('x.txt', 'x\n');
      const urgent = r.commit('URGENT: fix checkout', { at: '2024-03-05T10:00:00Z' });
      r.write('x.txt', 'y\n');
      r.commit('hotfix: not matched by the configured pattern', { at: '2024-03-05T11:00:00Z' });
      const config = testConfig({ git: { hotfix_patterns: ['^urgent:'] } });
      await collectGit(t.store, r.dir, { config, name: 'acme/urgent' });
      const hot = await t.store.query<{ sha: string }>(
        `select sha from commits where repo = 'acme/urgent' and is_hotfix`,
      );
      expect(hot).toEqual([{ sha: urgent }]);
    } finally {
      r.cleanup();
    }
  });

  it("collects this project's own repository completely", async () => {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
    }).trim();
    const atStart = revCount(top);
    const s = await collectGit(t.store, top, { name: 'pitwall/self' });
    // Others may commit while this runs: compare against exactly the tips the run saw.
    const tips = [
      ...new Set(Object.values(JSON.parse((await readSource(t.store, 'git:pitwall/self'))!.cursor!).tips)),
    ];
    expect(s.written.commit).toBe(revCount(top, tips as string[]));
    expect(s.written.commit).toBeGreaterThanOrEqual(atStart);
    const n = await t.store.query<{ n: number }>(
      `select count(*) as n from commits where repo = 'pitwall/self'`,
    );
    expect(n[0]!.n).toBe(s.written.commit);
  });
});
