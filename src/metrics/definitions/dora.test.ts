import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../../../test/helpers/stores.js';
import { loadConfig } from '../../config/load.js';
import { configSchema } from '../../config/schema.js';
import { ensureFresh } from '../../enrich/index.js';
import { ingest } from '../../ingest/ingest.js';
import { registryFor } from './index.js';

const H = 3_600_000;
const T0 = Date.parse('2024-03-04T00:00:00Z'); // a Monday
const at = (h: number) => new Date(T0 + h * H).toISOString();
const sha = (n: number) => n.toString(16).padStart(40, 'a');
const config = loadConfig({ cwd: '/nonexistent', env: {} });

/**
 * A hand-built history whose DORA numbers are known exactly:
 * commits 1..8 on one line; production deploys of 2 (h10), 4 (h30), 6 (h50, failed status), 7 (h54), 8 (h80);
 * a staging deploy of 8 (ignored); incident caused by the h30 deploy, open h31 → resolved h33;
 * commit 8 reverts commit 7, so the h54 deploy failed too.
 */
function history() {
  const commitHours = [0, 1, 20, 21, 40, 41, 52, 70];
  const commits = commitHours.map((h, i) => ({
    kind: 'commit',
    repo: 'acme/api',
    sha: sha(i + 1),
    author: 'ada@example.com',
    authored_at: at(h),
    committed_at: at(h),
    parents: i ? [sha(i)] : [],
    reverts_sha: i === 7 ? sha(7) : null,
    subject: i === 7 ? 'Revert "feature 7"' : `feature ${i + 1}`,
  }));
  const dep = (id: string, n: number, h: number, status = 'success', environment = 'production') => ({
    kind: 'deployment',
    id,
    service: 'api',
    environment,
    repo: 'acme/api',
    sha: sha(n),
    started_at: at(h - 0.5),
    finished_at: at(h),
    status,
  });
  return [
    { kind: 'repo', repo: 'acme/api', team: 'core' },
    ...commits,
    dep('d1', 2, 10),
    dep('d2', 4, 30),
    dep('d3', 6, 50, 'failure'),
    dep('d4', 7, 54),
    dep('d5', 8, 80),
    dep('s1', 8, 79, 'success', 'staging'),
    {
      kind: 'incident',
      id: 'i1',
      service: 'api',
      opened_at: at(31),
      resolved_at: at(33),
      caused_by_deployment: 'd2',
    },
  ];
}

describe.each(ENGINES)('DORA on %s', (engine) => {
  let t: TestStore;
  const registry = registryFor(config);
  const window = { from: new Date(T0), to: new Date(T0 + 14 * 24 * H) };
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, history());
    await ensureFresh(t.store, config);
  });
  afterAll(async () => t?.cleanup());
  const value = async (name: string) => (await registry.compute(t.store, name, window))[0]?.value ?? null;

  it('links each commit to the first successful deployment that contains it, by ancestry', async () => {
    const rows = await t.store.query<{ deployment_id: string; n: number }>(
      `select deployment_id, count(*) as n from deployment_commits group by 1 order by 1`,
    );
    // d3 failed (status), so 5 and 6 ship with d4; staging keeps its own stream.
    expect(rows).toEqual([
      { deployment_id: 'd1', n: 2 },
      { deployment_id: 'd2', n: 2 },
      { deployment_id: 'd4', n: 3 },
      { deployment_id: 'd5', n: 1 },
      { deployment_id: 's1', n: 8 },
    ]);
  });

  it('decides which deployments failed and why', async () => {
    const rows = await t.store.query(
      `select deployment_id, failed, reason, evidence, restored_at from deployment_outcomes order by 1`,
    );
    expect(rows).toEqual([
      { deployment_id: 'd1', failed: false, reason: null, evidence: null, restored_at: null },
      {
        deployment_id: 'd2',
        failed: true,
        reason: 'incident',
        evidence: 'i1',
        restored_at: new Date(at(33)),
      },
      { deployment_id: 'd3', failed: true, reason: 'status', evidence: null, restored_at: new Date(at(54)) },
      {
        deployment_id: 'd4',
        failed: true,
        reason: 'revert',
        evidence: sha(7),
        restored_at: new Date(at(80)),
      },
      { deployment_id: 'd5', failed: false, reason: null, evidence: null, restored_at: null },
    ]);
  });

  it('computes lead time from commit to its first production deployment', async () => {
    // Lead times (h): c1 10, c2 9, c3 10, c4 9, c5 14, c6 13, c7 2, c8 10 → median 10, p90 by interpolation.
    expect(await value('dora.lead_time.median_hours')).toBeCloseTo(10, 6);
    const sorted = [2, 9, 9, 10, 10, 10, 13, 14];
    const pos = 0.9 * (sorted.length - 1);
    const p90 = sorted[Math.floor(pos)]! + (pos % 1) * (sorted[Math.ceil(pos)]! - sorted[Math.floor(pos)]!);
    expect(await value('dora.lead_time.p90_hours')).toBeCloseTo(p90, 6);
  });

  it('computes change failure rate, restore times and frequency', async () => {
    expect(await value('dora.change_failure.rate')).toBeCloseTo(3 / 5, 6);
    expect(await value('dora.restore.median_hours')).toBeCloseTo(2, 6);
    // Recovery: d2 3h (h30→h33), d3 4h (h50→h54), d4 26h (h54→h80) → median 4.
    expect(await value('dora.recovery.failed_deployment_hours')).toBeCloseTo(4, 6);
    expect(await value('dora.deploys.count')).toBe(4);
    // Week 1 (Mar 4–10): production deploy days Mar 4 (h10), Mar 5 (h30), Mar 6 (h54), Mar 7 (h80) = 4; week 2: 0 → median 2.
    expect(await value('dora.deploys.days_per_week')).toBe(2);
  });

  it('groups by team and by service', async () => {
    const byTeam = await registry.compute(t.store, 'dora.change_failure.rate', { ...window, by: 'team' });
    expect(byTeam.map((r) => [r.group, r.value])).toEqual([['core', 0.6]]);
    const bySvc = await registry.compute(t.store, 'dora.deploys.days_per_week', { ...window, by: 'service' });
    expect(bySvc.map((r) => [r.group, r.value])).toEqual([['api', 2]]);
  });

  it('attributes an incident without a named cause to the deployment just before it, within the window', async () => {
    await ingest(t.store, [
      { kind: 'incident', id: 'i2', service: 'api', opened_at: at(81), resolved_at: at(82) },
    ]);
    await ensureFresh(t.store, config);
    const [row] = await t.store.query(
      `select failed, reason, evidence, restored_at from deployment_outcomes where deployment_id = 'd5'`,
    );
    expect(row).toEqual({
      failed: true,
      reason: 'incident_attributed',
      evidence: 'i2',
      restored_at: new Date(at(82)),
    });
  });
});

describe.each(ENGINES)('DORA for a monorepo with two production regions on %s', (engine) => {
  let t: TestStore;
  const cfg = configSchema.parse({
    dora: { production_environments: ['prod-eu', 'prod-us'] },
    services: [
      { name: 'api', repo: 'acme/mono', paths: ['services/api/**'] },
      { name: 'web', repo: 'acme/mono', paths: ['services/web/**', 'packages/ui/**'] },
    ],
  });
  const registry = registryFor(cfg);
  const window = { from: new Date(T0), to: new Date(T0 + 7 * 24 * H) };
  beforeAll(async () => {
    t = await openTestStore(engine);
    const commit = (n: number, h: number, paths: string[]) => ({
      kind: 'commit',
      repo: 'acme/mono',
      sha: sha(n),
      author: 'ada@example.com',
      authored_at: at(h),
      committed_at: at(h),
      parents: n > 1 ? [sha(n - 1)] : [],
      paths,
    });
    const dep = (id: string, service: string, environment: string, n: number, h: number) => ({
      kind: 'deployment',
      id,
      service,
      environment,
      repo: 'acme/mono',
      sha: sha(n),
      started_at: at(h),
      finished_at: at(h),
    });
    await ingest(t.store, [
      commit(1, 0, ['services/api/main.go']),
      commit(2, 1, ['services/web/app.tsx']),
      commit(3, 2, ['packages/ui/button.tsx', 'README.md']),
      commit(4, 3, ['services/api/db.go']),
      // api ships 1..4 to eu at h10 and us at h20; web ships 1..4 to eu at h12.
      dep('api-eu', 'api', 'prod-eu', 4, 10),
      dep('api-us', 'api', 'prod-us', 4, 20),
      dep('web-eu', 'web', 'prod-eu', 4, 12),
      dep('web-stg', 'web', 'staging', 4, 5),
    ]);
    await ensureFresh(t.store, cfg);
  });
  afterAll(async () => t?.cleanup());

  it('lets each service claim only the commits touching its paths', async () => {
    const rows = await t.store.query<{ deployment_id: string; sha: string }>(
      `select deployment_id, sha from deployment_commits where deployment_id <> 'web-stg' order by 1, 2`,
    );
    expect(rows).toEqual([
      { deployment_id: 'api-eu', sha: sha(1) },
      { deployment_id: 'api-eu', sha: sha(4) },
      { deployment_id: 'api-us', sha: sha(1) },
      { deployment_id: 'api-us', sha: sha(4) },
      { deployment_id: 'web-eu', sha: sha(2) },
      { deployment_id: 'web-eu', sha: sha(3) },
    ]);
  });

  it('counts a commit once, at its first production deployment in any region', async () => {
    const bySvc = Object.fromEntries(
      (await registry.compute(t.store, 'dora.lead_time.median_hours', { ...window, by: 'service' })).map(
        (r) => [r.group, r.value],
      ),
    );
    // api: commits at h0 and h3, first in prod at h10 (eu) → 10 and 7 → median 8.5; web: h1, h2 at h12 → 11, 10 → 10.5.
    expect(bySvc).toEqual({ api: 8.5, web: 10.5 });
    expect(await registry.compute(t.store, 'dora.deploys.count', window)).toEqual([
      { bucket: null, group: null, value: 3 },
    ]);
  });
});
