import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { buildFixture, type Fixture } from '../helpers/git-repo.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

describe.each(ENGINES)('pitwall collect git on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  let f: Fixture;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close(); // the CLI opens the store itself, as a user's process would
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
    f = buildFixture();
  });
  afterAll(async () => {
    await t?.cleanup();
    f?.repo.cleanup();
  });

  it('collects, then collects again incrementally, printing what it wrote', async () => {
    const first = await cli(['collect', 'git', '--repo', f.repo.dir], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^acme\/shop: 8 commits, 2 tags, 4 people written in \d+\.\ds \(full, \d+ commits\/s\)\n$/,
    );
    const again = await cli(['collect', 'git', '--repo', f.repo.dir, '--name', 'acme/shop', '--json'], {
      env,
    });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      repo: 'acme/shop',
      source: 'git:acme/shop',
      commits: 0,
      tags: 0,
      people: 0,
      commits_read: 0,
      incremental: true,
    });
  });

  it('relative --repo paths resolve against the working directory', async () => {
    const r = await cli(['collect', 'git', '--repo', '.', '--name', 'acme/relative', '--json'], {
      env,
      cwd: f.repo.dir,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ repo: 'acme/relative', commits: 8 });
  });
});

describe('pitwall collect git with bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-badrepo-'));
  const db = join(dir, 'store', 'p.duckdb');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 naming a path that does not exist, and writes nothing', async () => {
    const missing = join(dir, 'no-such-clone');
    const r = await cli(['collect', 'git', '--repo', missing], { env: { PITWALL_DB: db } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toMatch(/does not exist/);
    expect(existsSync(db)).toBe(false);
  });

  it('exits 2 naming a directory that is not a git repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'pitwall-plain-'));
    try {
      const r = await cli(['collect', 'git', '--repo', plain], { env: { PITWALL_DB: db } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${plain} is not a git repository`);
      expect(existsSync(db)).toBe(false);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('exits 2 on a malformed --name and on a missing --repo', async () => {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
    });
    const bad = await cli(['collect', 'git', '--repo', top.trim(), '--name', 'no-slash'], {
      env: { PITWALL_DB: db },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/name.*owner\/name/);
    const none = await cli(['collect', 'git'], { env: { PITWALL_DB: db } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--repo/);
  });
});
