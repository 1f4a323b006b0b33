import type { RecordKind } from '../domain/records.js';
import type { DemoContext, DemoRecord, RepoState } from './context.js';
import { isWeekday } from './context.js';
import { directCommit, landOnMain, openPr } from './code-flow.js';
import { bootstrapRepo, productionDeploy, stagingDeploy } from './delivery.js';
import { developerDay } from './inner-loop.js';
import { provisioningAnnotation, provisioningDay } from './provisioning.js';
import { DAY, resolveDemoOptions, type DemoOptions } from './options.js';
import { buildOrg, testCatalogue } from './org.js';
import { DEPLOY, PR } from './params.js';
import { Realised } from './realised.js';
import { Rng } from './random.js';
import { summarise, type RealisedTruth } from './summary.js';
import { cacheEnabledAt, demoTruth, type DemoTruth } from './truth.js';
import { annotations, metricsDay } from './cache.js';
import { platformHealthDay } from './platform-health.js';
import { feedbackDay } from './feedback.js';
import { surveyDay } from './surveys.js';
import { experimentRecords } from './experiments.js';
import { adopters, adoptionDay } from './adoption.js';
import { copilotDay, copilotUsers } from './copilot.js';
import { regressionAnnotation } from './regression.js';

export interface DemoRun {
  options: DemoOptions;
  /** The parameters: known before generation. */
  truth: DemoTruth;
  /** Batches of at most `batchSize` records, in an order ingest accepts; generation happens as you pull. */
  batches(batchSize?: number): Generator<DemoRecord[]>;
  /** What the draws realised; available once batches() has been fully consumed. */
  realised(): RealisedTruth;
}

export interface DemoRunOptions {
  /** Keep per-commit deployments and raw CI queue samples (memory grows with size): for tests. */
  detail?: boolean;
}

/** The demo organisation: deterministic for the same options (seed, developers, days, end). */
export function createDemo(input: Partial<DemoOptions> = {}, runOptions: DemoRunOptions = {}): DemoRun {
  const o = resolveDemoOptions(input);
  const org = buildOrg(o);
  const truth = demoTruth(o, org);
  let real: Realised | null = null;
  return {
    options: o,
    truth,
    *batches(batchSize = 10_000) {
      if (real) throw new Error('a demo run streams once: create another for a second pass');
      const realised = (real = new Realised(runOptions.detail ?? false));
      yield* stream(o, truth, realised, batchSize);
      realised.finished = true;
    },
    realised() {
      if (!real?.finished) throw new Error('realised truth is known only after every batch was consumed');
      return summarise(truth, real);
    },
  };
}

function* stream(
  o: DemoOptions,
  truth: DemoTruth,
  realised: Realised,
  batchSize: number,
): Generator<DemoRecord[]> {
  const org = buildOrg(o);
  const root = new Rng(o.seed);
  let buffer: DemoRecord[] = [];
  let runSeq = 0;
  const ctx: DemoContext = {
    o,
    org,
    start: o.end.getTime() - o.days * DAY,
    end: o.end.getTime(),
    cacheAt: cacheEnabledAt(o).getTime(),
    realised,
    rng: {
      code: root.fork('code'),
      ci: root.fork('ci'),
      delivery: root.fork('delivery'),
      env: root.fork('env'),
      inner: root.fork('inner'),
      dx: root.fork('dx'),
      coverage: root.fork('coverage'),
    },
    nextRunId: () => String(10_000_000 + ++runSeq),
    emit: (r) => {
      realised.count(r.kind as RecordKind);
      buffer.push(r);
    },
  };
  const drain = function* (all: boolean): Generator<DemoRecord[]> {
    while (buffer.length >= batchSize || (all && buffer.length)) {
      yield buffer.slice(0, batchSize);
      buffer = buffer.slice(batchSize);
    }
  };

  for (const t of org.teams)
    ctx.emit({ kind: 'team', team: t.team, name: t.team[0]!.toUpperCase() + t.team.slice(1) });
  for (const d of org.developers)
    ctx.emit({
      kind: 'person',
      login: d.login,
      name: d.login.split('-')[0]!,
      email: `${d.login}@demo.example`,
      team: d.team,
    });
  for (const b of org.bots) ctx.emit({ kind: 'person', login: b, is_bot: true });
  const states: RepoState[] = org.repos.map((repo, index) => {
    ctx.emit({
      kind: 'repo',
      repo: repo.repo,
      team: repo.team,
      default_branch: 'main',
      url: `https://github.com/${repo.repo}`,
    });
    const team = org.teams.find((t) => t.team === repo.team)!;
    return {
      repo,
      team,
      index,
      tests: testCatalogue(repo, index),
      tip: '',
      commitSeq: 0,
      prSeq: 0,
      deploySeq: 0,
      incidentSeq: 0,
      queue: [],
      seq: 0,
      undeployed: [],
      lastProductionSha: '',
      lastStagingSha: '',
      awaiting: null,
      pendingRemedy: false,
      busyUntil: 0,
    };
  });
  for (const st of states) bootstrapRepo(ctx, st);
  annotations(ctx, truth.ci.cache.annotationId);
  provisioningAnnotation(ctx);
  experimentRecords(ctx);
  regressionAnnotation(ctx);
  const byTeam = new Map(org.teams.map((t) => [t.team, states.filter((s) => s.team === t)]));
  const adopting = adopters(org);
  const copilot = copilotUsers(org);
  yield* drain(false);

  for (let day = ctx.start; day < ctx.end; day += DAY) {
    const weekday = isWeekday(day);
    const { code, delivery } = ctx.rng;
    if (weekday) {
      for (const t of org.teams) {
        const repos = byTeam.get(t.team)!;
        for (const author of t.members)
          for (let k = 0; k < 2; k++)
            if (code.chance(PR.perDeveloperWeekday / 2))
              openPr(ctx, code.pick(repos), author, false, day + code.int(9 * 3600, 18 * 3600) * 1000);
      }
      for (const st of states) {
        if (code.chance(PR.botPerRepoWeekday))
          openPr(ctx, st, code.pick(org.bots), true, day + code.int(2 * 3600, 6 * 3600) * 1000);
        if (code.chance(PR.directCommitPerRepoWeekday)) {
          const at = day + code.int(9 * 3600, 18 * 3600) * 1000;
          st.queue.push({
            at,
            type: 'commit',
            commit: directCommit(ctx, st, code.pick(st.team.members), at),
          });
        }
        if (delivery.chance(st.team.deployDaysPerWeek / 5))
          DEPLOY.slotsHourUtc.forEach((h, i) => {
            if (i > 0 && !delivery.chance(DEPLOY.secondSlotShare)) return;
            const at = day + h * 3_600_000 + delivery.int(0, 30) * 60_000;
            st.queue.push({ at: at - DEPLOY.stagingLeadMinutes * 60_000, type: 'staging' });
            st.queue.push({ at, type: 'deploy', remedial: false });
          });
        st.queue.sort((a, b) => a.at - b.at);
      }
    }
    for (const st of states) processUntil(ctx, st, Math.min(day + DAY, ctx.end));
    for (const dev of org.developers)
      developerDay(
        ctx,
        dev,
        byTeam.get(dev.team)!.map((s) => s.repo),
        day,
      );
    surveyDay(ctx, day);
    feedbackDay(ctx, day);
    metricsDay(ctx, day);
    platformHealthDay(ctx, day);
    adoptionDay(ctx, day, adopting);
    copilotDay(ctx, day, copilot);
    provisioningDay(ctx, day + DAY);
    yield* drain(false);
  }
  provisioningDay(ctx, Infinity);
  yield* drain(true);
}

/** Runs a repo's timeline up to `until`; events that schedule others (remedies) are picked up in order. */
function processUntil(ctx: DemoContext, st: RepoState, until: number): void {
  while (st.queue.length && st.queue[0]!.at < until) {
    const ev = st.queue.shift()!;
    if (ev.type === 'commit') landOnMain(ctx, st, ev.commit, ev.at);
    else if (ev.type === 'staging') stagingDeploy(ctx, st, ev.at);
    else productionDeploy(ctx, st, ev.at, ev.remedial);
  }
}

/** Counts records per kind without ingesting (for benchmarks and sizing). */
export function countDemoRecords(input: Partial<DemoOptions> = {}): {
  counts: Partial<Record<RecordKind, number>>;
  total: number;
} {
  const run = createDemo(input);
  let total = 0;
  for (const batch of run.batches()) total += batch.length;
  return { counts: run.realised().counts, total };
}
