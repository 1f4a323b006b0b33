import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';

/** A real repository with three commits at known times. */
function makeRepo(): { dir: string; shas: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-repo-'));
  const git = (args: string[], date?: string) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_AUTHOR_NAME: 'Ada',
        GIT_AUTHOR_EMAIL: 'ada@example.com',
        GIT_COMMITTER_NAME: 'Ada',
        GIT_COMMITTER_EMAIL: 'ada@example.com',
      },
    }).trim();
  git(['init', '-q', '-b', 'main']);
  const shas: string[] = [];
  ['2024-03-04T08:00:00Z', '2024-03-04T09:00:00Z', '2024-03-05T08:00:00Z'].forEach((d, i) => {
    writeFileSync(join(dir, `f${i}.txt`), `line ${i}\n`);
    git(['add', '.']);
    git(['commit', '-q', '-m', `change ${i}`], d);
    shas.push(git(['rev-parse', 'HEAD']));
  });
  return { dir, shas };
}

describe.each(ENGINES)('record and report through the CLI on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  let repo: { dir: string; shas: string[] };
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close(); // the CLI opens the store itself, as a user's process would
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
    repo = makeRepo();
  });
  afterAll(async () => {
    await t?.cleanup();
    if (repo) rmSync(repo.dir, { recursive: true, force: true });
  });

  const count = async (table: string) => {
    const s = await openStore(t.config);
    try {
      return (await s.query<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n;
    } finally {
      await s.close();
    }
  };

  it('records deployments and incidents and reports DORA from them', async () => {
    const d1 = await cli(
      [
        'record',
        'deployment',
        '--service',
        'api',
        '--env',
        'production',
        '--sha',
        repo.shas[1]!,
        '--at',
        '2024-03-04T12:00:00Z',
        '--repo',
        'acme/api',
        '--json',
      ],
      { env },
    );
    expect(d1.code, d1.stderr).toBe(0);
    const { id } = JSON.parse(d1.stdout) as { id: string };
    const again = await cli(
      [
        'record',
        'deployment',
        '--service',
        'api',
        '--env',
        'production',
        '--sha',
        repo.shas[1]!,
        '--at',
        '2024-03-04T12:00:00Z',
        '--repo',
        'acme/api',
      ],
      { env },
    );
    expect(again.code).toBe(0);
    expect(await count('deployments')).toBe(1); // a retried recording is the same deployment

    const open = await cli(
      [
        'record',
        'incident',
        'open',
        '--service',
        'api',
        '--at',
        '2024-03-04T13:00:00Z',
        '--deployment',
        id,
        '--json',
      ],
      { env },
    );
    expect(open.code, open.stderr).toBe(0);
    const inc = JSON.parse(open.stdout) as { id: string };
    const resolved = await cli(
      ['record', 'incident', 'resolve', '--id', inc.id, '--at', '2024-03-04T14:30:00Z'],
      { env },
    );
    expect(resolved.code, resolved.stderr).toBe(0);

    const report = await cli(
      [
        'report',
        '--from',
        '2024-03-01',
        '--to',
        '2024-03-15',
        '--json',
        '--metric',
        'dora.change_failure.rate',
        'dora.restore.median_hours',
        'dora.deploys.count',
      ],
      { env },
    );
    expect(report.code, report.stderr).toBe(0);
    const lines = (JSON.parse(report.stdout) as { lines: { metric: string; value: number }[] }).lines;
    expect(Object.fromEntries(lines.map((l) => [l.metric, l.value]))).toEqual({
      'dora.change_failure.rate': 1,
      'dora.restore.median_hours': 1.5,
      'dora.deploys.count': 1,
    });
  });

  it('shows DORA tiers under both benchmarks and explains a number row by row', async () => {
    const window = ['--from', '2024-03-01', '--to', '2024-03-15'];
    const summary = await cli(['dora', ...window, '--json'], { env });
    expect(summary.code, summary.stderr).toBe(0);
    const s = JSON.parse(summary.stdout) as {
      rows: { metric: string; value: number; tier2021: string; tier2023: string }[];
    };
    const cfr = s.rows.find((r) => r.metric === 'dora.change_failure.rate')!;
    expect(cfr).toMatchObject({ value: 1, tier2021: 'low', tier2023: 'low' });
    const explained = await cli(
      ['dora', 'explain', '--metric', 'dora.change_failure.rate', ...window, '--json'],
      { env },
    );
    expect(explained.code, explained.stderr).toBe(0);
    const [e] = JSON.parse(explained.stdout) as { total: number; rows: Record<string, unknown>[] }[];
    expect(e!.total).toBe(1);
    expect(e!.rows[0]).toMatchObject({ service: 'api', reason: 'incident', v: 1 });
    expect(String(e!.rows[0]!.evidence)).toMatch(/^inc-/);
    const text = await cli(['metrics', 'explain', 'dora.restore.median_hours', ...window], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/dora.restore.median_hours: 1 row/);
    expect(text.stdout).toContain('1.50');
    const bad = await cli(['metrics', 'explain', 'dora.restore.median_hours', '--group', 'api'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--group needs --by/);
  });

  it('prints the report as a table and as markdown with every registered metric', async () => {
    const list = await cli(['metrics', 'list', '--json'], { env });
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((m) => m.name);
    const table = await cli(['report', '--from', '2024-03-01', '--to', '2024-03-15'], { env });
    expect(table.code, table.stderr).toBe(0);
    for (const n of names) expect(table.stdout).toContain(n);
    const md = await cli(
      ['report', '--from', '2024-03-01', '--to', '2024-03-15', '--format', 'markdown', '--by', 'service'],
      { env },
    );
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/\| service \| metric \| value/);
  });

  it.each([
    [['report', '--from', 'last tuesday'], /--from "last tuesday" is not a date/],
    [['report', '--metric', 'dora.nope'], /unknown metric "dora.nope"/],
    [['report', '--by', 'planet'], /unknown group "planet"/],
    [['report', '--from', '2024-03-10', '--to', '2024-03-01'], /must be before/],
    [['report', '--format', 'pdf'], /Allowed choices are table, markdown, json/],
    [['record', 'deployment', '--service', 'api', '--env', 'production'], /required option '--sha <sha>'/],
    [
      ['record', 'deployment', '--service', 'api', '--env', 'production', '--sha', 'xyz'],
      /sha: expected a hex commit sha/,
    ],
    [['record', 'incident', 'resolve', '--id', 'nope'], /no incident with id nope/],
    [['record', 'incident', 'open', '--service', 'api', '--deployment', 'nope'], /no such deployment/],
  ])('rejects %j with exit code 2, one clear line, and writes nothing', async (args, message) => {
    const before = await count('deployments');
    const before2 = await count('incidents');
    const r = await cli(args, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await count('deployments')).toBe(before);
    expect(await count('incidents')).toBe(before2);
  });
});

describe('a DuckDB file held by another process', () => {
  it('names the process and what to do, exit code 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-lock-'));
    const path = join(dir, 'held.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        // The instance is kept on globalThis: a dropped one may be collected, and its lock with it.
        `import('@duckdb/node-api').then(async (m) => { globalThis.held = await m.DuckDBInstance.create(${JSON.stringify(path)}); console.log('ready'); setInterval(() => {}, 1000); })`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        holder.on('exit', () => reject(new Error('holder exited')));
      });
      const r = await cli(['report'], { env: { PITWALL_DB: path } });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`in use by process ${holder.pid}`);
      expect(r.stderr).toMatch(/kill \d+|PITWALL_DB/);
    } finally {
      holder.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
