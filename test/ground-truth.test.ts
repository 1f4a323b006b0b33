import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from './helpers/stores.js';
import { loadConfig } from '../src/config/load.js';
import { createDemo } from '../src/demo/generate.js';
import type { RealisedTruth } from '../src/demo/summary.js';
import type { DemoTruth } from '../src/demo/truth.js';
import { ensureFresh } from '../src/enrich/index.js';
import { ingest } from '../src/ingest/ingest.js';
import { registryFor } from '../src/metrics/definitions/index.js';
import type { MetricValue } from '../src/metrics/registry/types.js';
import { computeDxi, DXI_LEAD_TIME_TARGET_HOURS } from '../src/report/dxi.js';
import { ciStages } from '../src/report/ci-stages.js';

/**
 * The demo organisation knows its true parameters and the exact values its draws produced.
 * Pitwall's metrics, computed through the registry on each engine, must recover them:
 * exactly where the generator knows the value by construction, within a stated tolerance
 * where only the distribution's parameter is known.
 */
const config = loadConfig({ cwd: '/nonexistent', env: {} });
const registry = registryFor(config);
const OPTIONS = { developers: 40, days: 84, seed: 11, end: new Date('2026-10-05T00:00:00Z') };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = (s.length - 1) / 2;
  return (s[Math.floor(m)]! + s[Math.ceil(m)]!) / 2;
};

describe.each(ENGINES)('the metrics recover the demo organisation’s ground truth on %s', (engine) => {
  let t: TestStore;
  let truth: DemoTruth;
  let real: RealisedTruth;
  let window: { from: Date; to: Date };
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS, { detail: true });
    for (const batch of demo.batches(20_000)) await ingest(t.store, batch);
    await ensureFresh(t.store, config);
    truth = demo.truth;
    real = demo.realised();
    window = { from: new Date(truth.window.from), to: new Date(truth.window.to) };
  });
  afterAll(async () => t?.cleanup());

  const byTeam = async (name: string): Promise<Record<string, number | null>> =>
    Object.fromEntries(
      (await registry.compute(t.store, name, { ...window, by: 'team' })).map((r: MetricValue) => [
        r.group,
        r.value,
      ]),
    );
  const whole = async (name: string, by: string | null = null) =>
    await registry.compute(t.store, name, { ...window, by });
  it('change failure rate per team equals the realised rate exactly, and tracks the parameter', async () => {
    {
      const got = await byTeam('dora.change_failure.rate');
      for (const team of truth.teams) {
        const r = real.perTeam[team.team]!;
        expect(got[team.team], team.team).toBeCloseTo(r.changeFailureRate!, 9);
      }
      // Whole organisation: realised failures / production deployments.
      const failed = Object.values(real.perTeam).reduce((s, r) => s + r.failedDeployments, 0);
      const prod = Object.values(real.perTeam).reduce((s, r) => s + r.productionDeployments, 0);
      expect((await whole('dora.change_failure.rate'))[0]!.value).toBeCloseTo(failed / prod, 9);
    }
  });

  it('lead time median and p90 per team equal the realised values (commit → first deployment by ancestry)', async () => {
    const p50 = await byTeam('dora.lead_time.median_hours');
    const p90 = await byTeam('dora.lead_time.p90_hours');
    for (const team of truth.teams) {
      const r = real.perTeam[team.team]!.leadTimeHours;
      expect(p50[team.team], team.team).toBeCloseTo(r.p50!, 6);
      expect(p90[team.team], team.team).toBeCloseTo(r.p90!, 6);
    }
  });

  it('deployment frequency per team is the median of realised deploy-days over complete weeks, near the parameter', async () => {
    const got = await byTeam('dora.deploys.days_per_week');
    for (const team of truth.teams) {
      const r = real.perTeam[team.team]!;
      const full = r.deployDaysByWeek.filter(
        (w) =>
          Date.parse(w.week) >= window.from.getTime() &&
          Date.parse(w.week) + 7 * 86_400_000 <= window.to.getTime(),
      );
      expect(got[team.team], team.team).toBe(median(full.map((w) => w.days)));
      // Parameter: each service deploys each weekday with p = d/5; with several services the
      // union of days is at least d per week, so the median must not fall far below d.
      expect(got[team.team]!).toBeGreaterThanOrEqual(team.deployDaysPerWeek - 1.5);
    }
  });

  it('time to restore per team equals realised incident durations; failed deployments equal the truth', async () => {
    {
      const got = await byTeam('dora.restore.median_hours');
      for (const team of truth.teams) {
        const r = real.perTeam[team.team]!.timeToRestoreHours;
        if (r.count === 0) expect(got[team.team] ?? null).toBeNull();
        else expect(got[team.team], team.team).toBeCloseTo(r.p50!, 6);
      }
      const outcomes = await t.store.query<{ deployment_id: string; reason: string }>(
        `select deployment_id, reason from deployment_outcomes where failed order by 1`,
      );
      expect(outcomes).toEqual(
        real.failedDeployments
          .map((f) => ({ deployment_id: f.id, reason: f.remedy }))
          .sort((a, b) => a.deployment_id.localeCompare(b.deployment_id)),
      );
    }
  });

  it('the planted retried attempts, and only they, are left out of change failure rate; with the window off they count', async () => {
    const leftOut = await t.store.query<{ id: string; retry: string }>(
      `select deployment_id as id, evidence as retry from deployment_outcomes where left_out = 'retried' order by 1`,
    );
    const planted = real.retriedAttempts
      .map((a) => ({ id: a.id, retry: a.retryId }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(planted.length).toBeGreaterThan(0);
    expect(leftOut).toEqual(planted);
    // Null check: without the rule each attempt is a failed deployment of its own.
    await ensureFresh(t.store, { ...config, dora: { ...config.dora, retry_window_minutes: 0 } });
    try {
      const got = await byTeam('dora.change_failure.rate');
      for (const team of truth.teams) {
        const r = real.perTeam[team.team]!;
        const mine = real.retriedAttempts.filter(
          (a) => a.team === team.team && Date.parse(a.finishedAt) >= window.from.getTime(),
        ).length;
        expect(got[team.team], team.team).toBeCloseTo(
          (r.failedDeployments + mine) / (r.productionDeployments + mine),
          9,
        );
      }
    } finally {
      await ensureFresh(t.store, config);
    }
  });

  it('PR review latency and cycle time per team equal the realised values, near the parameters', async () => {
    const review = await byTeam('github.prs.time_to_first_review_hours');
    const cycle = await byTeam('github.prs.cycle_time_hours');
    for (const team of truth.teams) {
      const r = real.perTeam[team.team]!;
      expect(review[team.team], team.team).toBeCloseTo(r.reviewLatencyHours.p50!, 6);
      expect(cycle[team.team], team.team).toBeCloseTo(r.cycleTimeHours.p50!, 6);
      // Lognormal with sigma 0.8 and a few dozen samples: the sample median stays within ±35%.
      expect(review[team.team]! / team.reviewLatencyMedianHours).toBeGreaterThan(0.65);
      expect(review[team.team]! / team.reviewLatencyMedianHours).toBeLessThan(1.35);
    }
  });

  it('CI re-run and success rates equal the realised counts; queue time recovers the busy/quiet medians', async () => {
    const rerun = (await whole('ci.runs.rerun_rate'))[0]!.value!;
    expect(rerun).toBeCloseTo(real.ci.reruns / real.ci.runs, 9);
    const success = (await whole('ci.runs.success_rate'))[0]!.value!;
    expect(success).toBeCloseTo((real.ci.runs - real.ci.genuineFailures) / real.ci.runs, 9);
    const q = real.ci.queueSeconds!;
    const p50 = (await whole('ci.jobs.queue_p50_seconds'))[0]!.value!;
    // The overall median lies between the quiet and busy medians the generator used.
    expect(p50).toBeGreaterThanOrEqual(truth.ci.queue.quietMedianSeconds * 0.8);
    expect(p50).toBeLessThanOrEqual(truth.ci.queue.busyMedianSeconds * 1.2);
    expect(q.busy.p50! / truth.ci.queue.busyMedianSeconds).toBeGreaterThan(0.8);
  });

  it('test-environment provisioning: counts, success rate and phase medians equal the realised values', async () => {
    expect((await whole('testenv.provision.count'))[0]!.value).toBe(real.provisioning.provisions);
    const failures = Object.values(real.provisioning.failuresByCategory).reduce((s, n) => s + n, 0);
    expect((await whole('testenv.provision.success_rate'))[0]!.value).toBeCloseTo(
      1 - failures / real.provisioning.provisions,
      9,
    );
    const byFailure = Object.fromEntries(
      (await whole('testenv.provision.count', 'failure')).map((r) => [r.group ?? 'ok', r.value]),
    );
    for (const [cat, n] of Object.entries(real.provisioning.failuresByCategory))
      expect(byFailure[cat], cat).toBe(n);
    const phases = Object.fromEntries(
      (await whole('testenv.phase.duration_p50_minutes', 'phase')).map((r) => [r.group, r.value]),
    );
    for (const [phase, d] of Object.entries(real.provisioning.phaseSeconds)) {
      if (phase === 'testenv.provision' || !(phase in phases)) continue;
      // Timestamps are stored to the millisecond; the generator's samples are not rounded.
      expect(phases[phase], phase).toBeCloseTo(d.p50! / 60, 3);
    }
  });

  it('local command medians per category equal the realised values, near the parameters', async () => {
    const got = Object.fromEntries(
      (await whole('local.commands.duration_p50_seconds', 'category')).map((r) => [r.group, r.value]),
    );
    for (const [cat, d] of Object.entries(real.commandDurationMs)) {
      expect(got[cat], cat).toBeCloseTo(d.p50! / 1000, 6);
      const param = (
        truth.innerLoop.categories as Record<string, { medianSeconds?: number; medianMs?: number }>
      )[cat];
      const paramSeconds = param?.medianSeconds ?? (param?.medianMs ?? NaN) / 1000;
      if (Number.isFinite(paramSeconds)) expect(got[cat]! / paramSeconds, cat).toBeGreaterThan(0.85);
    }
  });

  it('survey NPS and satisfaction per team equal the realised answers', async () => {
    const nps = await byTeam('dx.survey.nps');
    const sat = await byTeam('dx.survey.satisfaction');
    for (const team of truth.teams) {
      const r = real.perTeam[team.team]!;
      expect(nps[team.team], team.team).toBeCloseTo(r.nps!, 6);
      expect(sat[team.team], team.team).toBeCloseTo(r.surveyMeans.satisfaction!, 6);
    }
  });

  it('every all-green run’s critical path is the generator’s, and its length is the run’s duration', async () => {
    const rows = await t.store.query<{ path: string; wall_seconds: number; path_seconds: number }>(
      `select p.path, p.wall_seconds, p.path_seconds from run_critical_paths p
       where not exists (select 1 from pipeline_jobs j where j.repo = p.repo and j.run_id = p.run_id and j.attempt = p.attempt
                         and coalesce(j.conclusion, '') <> 'success')`,
    );
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) {
      expect(r.path).toBe(truth.ci.criticalPath.join(' > '));
      expect(r.path_seconds).toBeCloseTo(r.wall_seconds, 3);
    }
    const shares = Object.fromEntries(
      (await whole('ci.critical_path.job_share', 'job')).map((x) => [x.group, x.value]),
    );
    const top = (Object.entries(shares) as [string, number | null][]).sort(
      (a, b) => (b[1] ?? 0) - (a[1] ?? 0),
    )[0]![0];
    expect(truth.ci.criticalPath).toContain(top);
  });

  it('PR cycle phases: pickup equals the realised review latency; each PR deploys with its merge commit’s first deployment', async () => {
    const pickup = await byTeam('flow.cycle.pickup_hours');
    for (const team of truth.teams)
      expect(pickup[team.team], team.team).toBeCloseTo(real.perTeam[team.team]!.reviewLatencyHours.p50!, 6);
    const rows = await t.store.query<{ repo: string; merge_sha: string; deployment_id: string | null }>(
      `select repo, merge_sha, deployment_id from pr_cycles where merged_at is not null and merge_sha is not null`,
    );
    expect(rows.length).toBeGreaterThan(100);
    let deployed = 0;
    for (const r of rows) {
      const expected = real.commitFirstDeployment![`${r.repo} ${r.merge_sha}`] ?? null;
      const prodOnly = expected && expected.includes('staging') ? null : expected;
      if (r.deployment_id) deployed++;
      expect(r.deployment_id, `${r.repo} ${r.merge_sha}`).toBe(prodOnly);
    }
    expect(deployed).toBeGreaterThan(50);
  });

  it('every PR cycle phase per team equals the phase recomputed from the generated PRs', async () => {
    type Pr = {
      kind: string;
      repo: string;
      number: number;
      author: string;
      created_at: Date;
      ready_at: Date | null;
      first_commit_at: Date | null;
      first_review_at: Date | null;
      first_approval_at: Date | null;
      merged_at: Date | null;
    };
    const teamOf = new Map<string, string>();
    const bots = new Set<string>();
    const prs: Pr[] = [];
    type Review = { kind: string; repo: string; pr_number: number; state: string; submitted_at: Date };
    const reviews: Review[] = [];
    type Rec = Pr & Review & { login?: string; team?: string; is_bot?: boolean };
    for (const batch of createDemo(OPTIONS).batches(20_000))
      for (const r of batch as Rec[]) {
        if (r.kind === 'person') {
          teamOf.set(r.login!, r.team!);
          if (r.is_bot) bots.add(r.login!);
        } else if (r.kind === 'pull_request')
          prs.push({ ...r, first_review_at: null, first_approval_at: null });
        else if (r.kind === 'review') reviews.push(r);
      }
    // First review and approval as the generator's reviews give them (enrichment derives the same).
    const byPr = new Map(prs.map((p) => [`${p.repo}#${p.number}`, p]));
    const earliest = (a: Date | null, b: Date) => (a && a <= b ? a : b);
    for (const r of reviews) {
      const p = byPr.get(`${r.repo}#${r.pr_number}`);
      if (!p) continue;
      p.first_review_at = earliest(p.first_review_at, r.submitted_at);
      if (r.state === 'approved') p.first_approval_at = earliest(p.first_approval_at, r.submitted_at);
    }
    const h = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 3_600_000;
    const inWindow = (d: Date | null): d is Date => !!d && d >= window.from && d < window.to;
    const phases: Record<string, (p: Pr) => [Date | null, number | null]> = {
      coding: (p) => [p.created_at, p.first_commit_at ? h(p.first_commit_at, p.created_at) : null],
      review: (p) => [
        p.first_approval_at,
        p.first_review_at && p.first_approval_at ? h(p.first_review_at, p.first_approval_at) : null,
      ],
      merge: (p) => {
        const from = p.first_approval_at ?? p.first_review_at;
        return [p.merged_at, from && p.merged_at ? h(from, p.merged_at) : null];
      },
    };
    for (const [phase, f] of Object.entries(phases)) {
      const got = await byTeam(`flow.cycle.${phase}_hours`);
      const samples = new Map<string, number[]>();
      for (const p of prs) {
        if (bots.has(p.author)) continue;
        const [end, v] = f(p);
        if (!inWindow(end) || v === null) continue;
        const team = teamOf.get(p.author)!;
        samples.set(team, [...(samples.get(team) ?? []), v]);
      }
      for (const [team, xs] of samples) expect(got[team], `${phase} ${team}`).toBeCloseTo(median(xs), 6);
    }
  });

  it('the CI stage table lists every job of the workflow and names a critical-path job to speed up first', async () => {
    const r = await ciStages(t.store, registry, window);
    expect(r.stages.map((x) => x.stage).sort()).toEqual(truth.ci.jobs.map((j) => j.name).sort());
    expect(truth.ci.criticalPath).toContain(r.speedUpFirst!.stage);
    const offPath = r.stages.filter((x) => !truth.ci.criticalPath.includes(x.stage));
    for (const x of offPath) expect(x.critical_path_share, x.stage).toBeNull();
  });

  it('a filter gives the same value as that group of a group-by, for facts and query metrics', async () => {
    for (const name of ['dora.change_failure.rate', 'dora.deploys.days_per_week', 'github.prs.open']) {
      const grouped = await registry.compute(t.store, name, { ...window, by: 'team' });
      for (const g of grouped) {
        const [only] = await registry.compute(t.store, name, { ...window, where: { team: g.group! } });
        expect(only?.value ?? 0, `${name} ${g.group}`).toBeCloseTo(g.value ?? 0, 9);
      }
    }
  });

  it('CI queue share equals the share recomputed from the generated jobs', async () => {
    let queue = 0;
    let exec = 0;
    for (const batch of createDemo(OPTIONS).batches(20_000))
      for (const r of batch as {
        kind: string;
        created_at?: Date | null;
        started_at?: Date | null;
        completed_at?: Date | null;
        conclusion?: string | null;
      }[]) {
        if (
          r.kind !== 'pipeline_job' ||
          !r.created_at ||
          !r.started_at ||
          !r.completed_at ||
          r.conclusion === 'skipped'
        )
          continue;
        if (r.created_at < window.from || r.created_at >= window.to) continue;
        queue += Math.max(0, r.started_at.getTime() - r.created_at.getTime());
        exec += r.completed_at.getTime() - r.started_at.getTime();
      }
    expect((await whole('ci.jobs.queue_share'))[0]!.value).toBeCloseTo(queue / (queue + exec), 9);
  });

  it('DXI is the seed’s weighted formula over its inputs, each shown', async () => {
    const d = await computeDxi(t.store, registry, window);
    const v = async (name: string) => (await whole(name))[0]!.value!;
    const speed = Math.min(1, DXI_LEAD_TIME_TARGET_HOURS / (await v('dora.lead_time.median_hours')));
    const reliability = (await v('ci.runs.success_rate')) * (await v('ci.tests.determinism_rate'));
    const satisfaction = ((await v('dx.survey.satisfaction')) - 1) / 4;
    const efficiency = 1 - (await v('ci.jobs.queue_share'));
    expect(d.terms.map((x) => x.score)).toEqual([speed, reliability, satisfaction, efficiency]);
    expect(d.dxi).toBeCloseTo(
      100 * (0.3 * speed + 0.3 * reliability + 0.2 * satisfaction + 0.2 * efficiency),
      9,
    );
    expect(d.terms.flatMap((x) => x.inputs.map((i) => i.metric))).toContain('ci.tests.determinism_rate');
  });

  it('reading a window and the one before it in one pass equals reading them apart, for every metric', async () => {
    const previousFrom = new Date(window.from.getTime() - (window.to.getTime() - window.from.getTime()));
    for (const def of registry.list())
      for (const by of [null, def.groupBy[0] ?? null]) {
        const both = await registry.computeWindows(t.store, def.name, { ...window, previousFrom, by });
        const cur = await registry.compute(t.store, def.name, { ...window, by });
        const prev = await registry.compute(t.store, def.name, { from: previousFrom, to: window.from, by });
        // Same groups, same values up to summation order (a parallel sum may differ in the last bits).
        const same = (a: MetricValue[], b: MetricValue[], what: string) => {
          expect(
            a.map((x) => x.group),
            what,
          ).toEqual(b.map((x) => x.group));
          a.forEach((x, i) => {
            const y = b[i]!.value;
            if (x.value === null || y === null) expect(x.value, what).toBe(y);
            else expect(Math.abs(x.value - y), what).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
          });
        };
        same(both.current, cur, `${def.name} ${by}`);
        same(both.previous, prev, `${def.name} ${by} previous`);
      }
  });

  // Every metric over every bucket and group-by, and equal on both engines: engine-parity.test.ts.
});
