import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';
import { createDemo } from '../../src/demo/generate.js';

const ARGS = ['demo', '--developers', '16', '--days', '30', '--seed', '7', '--end', '2025-03-01'];

describe.each(ENGINES)('pitwall demo on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close(); // the CLI opens the store itself, as a user's process would
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const query = async <T extends object>(sql: string) => {
    const s = await openStore(t.config);
    try {
      return await s.query<T>(sql);
    } finally {
      await s.close();
    }
  };

  it('rejects bad arguments with exit 2 and writes nothing', async () => {
    for (const bad of [
      ['--developers', '0'],
      ['--developers', '2.5'],
      ['--days', 'ten'],
      ['--days', '100000'],
      ['--developers', '5000', '--days', '3000'],
      ['--seed', '-1'],
      ['--end', 'yesterday'],
    ]) {
      const r = await cli(['demo', ...bad], { env });
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toContain(`--${bad[0]!.slice(2)}`);
    }
    const [row] = await query<{ n: number }>(`select count(*) as n from commits`);
    expect(Number(row!.n)).toBe(0);
  });

  it('writes the demo, and enrich recovers exactly the failed deployments and first deployments', async () => {
    const r = await cli([...ARGS, '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { total: number; counts: Record<string, number> };
    const run = createDemo(
      { developers: 16, days: 30, seed: 7, end: new Date('2025-03-01') },
      { detail: true },
    );
    for (const _ of run.batches()) void _;
    const realised = run.realised();
    expect(out.total).toBe(realised.total);
    const [commits] = await query<{ n: number }>(`select count(*) as n from commits`);
    expect(Number(commits!.n)).toBe(realised.counts.commit);

    const outcomes = await query<{ deployment_id: string; reason: string }>(
      `select deployment_id, reason from deployment_outcomes where failed order by deployment_id`,
    );
    const expected = realised.failedDeployments.map((f) => ({ deployment_id: f.id, reason: f.remedy }));
    expected.sort((a, b) => (a.deployment_id < b.deployment_id ? -1 : 1));
    expect(outcomes).toEqual(expected);

    const links = await query<{ deployment_id: string; repo: string; sha: string }>(
      `select dc.deployment_id, dc.repo, dc.sha from deployment_commits dc
       join deployments d on d.id = dc.deployment_id where d.environment = 'production'`,
    );
    const firsts = realised.commitFirstDeployment!;
    expect(links.length).toBe(Object.keys(firsts).length);
    for (const l of links) expect(firsts[`${l.repo} ${l.sha}`]).toBe(l.deployment_id);

    // The same demo again is idempotent; --fresh starts over.
    const again = await cli([...ARGS, '--fresh'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('total');
    const [commits2] = await query<{ n: number }>(`select count(*) as n from commits`);
    expect(Number(commits2!.n)).toBe(realised.counts.commit);
  });
});
