import type { DemoContext, RepoState } from './context.js';
import { schedule } from './context.js';
import { landOnMain } from './code-flow.js';
import { DAY } from './options.js';
import { DEPLOY, REMEDY_SHARES, type Remedy } from './params.js';
import { Rng } from './random.js';

const H = 3_600_000;
const M = 60_000;

function emitDeployment(
  ctx: DemoContext,
  st: RepoState,
  env: 'production' | 'staging',
  at: number,
  status: 'success' | 'failure',
) {
  const finished =
    at + Math.round(ctx.rng.delivery.boundedLognormal(DEPLOY.durationMedianMinutes, 0.3, 1.5) * M);
  const id = `${st.repo.service}-${env}-${++st.deploySeq}`;
  ctx.emit({
    kind: 'deployment',
    id,
    service: st.repo.service,
    environment: env,
    repo: st.repo.repo,
    sha: st.tip,
    started_at: new Date(at),
    finished_at: new Date(finished),
    status,
    source: 'demo',
  });
  return { id, finished };
}

export function stagingDeploy(ctx: DemoContext, st: RepoState, at: number): void {
  if (st.tip === st.lastStagingSha) return;
  st.lastStagingSha = st.tip;
  emitDeployment(ctx, st, 'staging', at, 'success');
}

/**
 * A production deployment of main's tip. Regular ones fail with the team's change-failure rate
 * and get exactly one remedy; when a remedy could not complete inside the window the failure
 * is reported by status instead, so every failure stays visible and exact.
 */
export function productionDeploy(ctx: DemoContext, st: RepoState, start: number, remedial: boolean): void {
  const rng = ctx.rng.delivery;
  let at = start;
  const real = ctx.realised;
  if (!remedial && (st.pendingRemedy || at < st.busyUntil || st.tip === st.lastProductionSha)) return;
  let remedy: Remedy | null =
    !remedial && rng.chance(st.team.changeFailureRate) ? rng.weighted(REMEDY_SHARES) : null;
  // Remedy timings are drawn up front so a remedy that would fall past the window can be swapped.
  const delayA = rng.int(20, 60) * M;
  const delayB = Math.round(rng.boundedLognormal(2, 0.5, 3) * H);
  const ttr = rng.lognormal(st.team.timeToRestoreMedianHours, 0.7) * H;
  const target = [...st.undeployed].reverse().find((c) => c.origin === 'pr' || c.origin === 'direct');
  if (remedy === 'revert' && !target) remedy = 'incident';
  const slack = at + 30 * M + delayB + delayA + 30 * M;
  if ((remedy === 'revert' || remedy === 'hotfix' || remedy === 'incident') && slack >= ctx.end)
    remedy = 'status';
  // Some healthy deployments first fail an attempt that is retried, same sha, minutes later.
  const attempt =
    !remedial && !remedy && at >= ctx.start && at + 2 * H < ctx.end && rng.chance(DEPLOY.retriedAttemptShare)
      ? emitDeployment(ctx, st, 'production', at, 'failure')
      : null;
  if (attempt) at = attempt.finished + rng.int(DEPLOY.retryGapMinutes[0], DEPLOY.retryGapMinutes[1]) * M;
  const d = emitDeployment(ctx, st, 'production', at, remedy === 'status' ? 'failure' : 'success');
  if (attempt)
    real.retriedAttempts.push({
      id: attempt.id,
      team: st.team.team,
      retryId: d.id,
      finishedAt: new Date(attempt.finished).toISOString(),
    });
  st.busyUntil = d.finished;
  if (d.finished < ctx.end && at >= ctx.start)
    real.productionDeployments.set(st.team.team, (real.productionDeployments.get(st.team.team) ?? 0) + 1);
  if (remedy !== 'status') {
    if (d.finished < ctx.end && at >= ctx.start) {
      let days = real.deployDays.get(st.team.team);
      if (!days) real.deployDays.set(st.team.team, (days = new Set()));
      days.add(Math.floor(d.finished / DAY));
    }
    for (const c of st.undeployed) {
      if (at >= ctx.start) real.push(real.leadTimeHours, st.team.team, (d.finished - c.committedAt) / H);
      if (real.detail) real.commitFirstDeployment.set(`${st.repo.repo} ${c.sha}`, d.id);
    }
    st.undeployed = [];
    st.lastProductionSha = st.tip;
  }
  if (remedial) {
    st.pendingRemedy = false;
    if (st.awaiting) real.failed[st.awaiting.failedIndex]!.restoredAt = new Date(d.finished).toISOString();
    st.awaiting = null;
  }
  if (!remedy) return;
  const failedIndex = real.failed.length;
  const entry = {
    id: d.id,
    service: st.repo.service,
    team: st.team.team,
    finishedAt: new Date(d.finished).toISOString(),
    remedy,
    remedyRef: null as string | null,
    restoredAt: null as string | null,
  };
  real.failed.push(entry);
  if (remedy === 'incident') {
    const opened = d.finished + delayA;
    const resolved = opened + Math.round(ttr);
    const id = `INC-${st.repo.service}-${++st.incidentSeq}`;
    ctx.emit({
      kind: 'incident',
      id,
      service: st.repo.service,
      severity: rng.pick(['sev1', 'sev2', 'sev3']),
      title: `Errors after deploying ${st.repo.service}`,
      opened_at: new Date(opened),
      resolved_at: resolved < ctx.end ? new Date(resolved) : null,
      caused_by_deployment: d.id,
      source: 'demo',
    });
    entry.remedyRef = id;
    entry.restoredAt = resolved < ctx.end ? new Date(resolved).toISOString() : null;
    if (resolved < ctx.end) real.push(real.incidentHours, st.team.team, ttr / H);
    return;
  }
  st.pendingRemedy = true;
  st.awaiting = { failedIndex };
  if (remedy === 'status') {
    const redeploy = rng.int(DEPLOY.statusRedeployMinutes[0], DEPLOY.statusRedeployMinutes[1]) * M;
    schedule(st, { at: d.finished + redeploy, type: 'deploy', remedial: true });
    return;
  }
  const fixAt = d.finished + delayB;
  const n = ++st.commitSeq;
  const author = rng.pick(st.team.members);
  const sha = Rng.sha(`${ctx.o.seed}:${st.repo.repo}:${remedy}${n}`);
  if (remedy === 'revert') {
    entry.remedyRef = target!.sha;
    schedule(st, {
      at: fixAt,
      type: 'commit',
      commit: {
        sha,
        author,
        authoredAt: fixAt,
        subject: `Revert "${target!.subject}"`,
        origin: 'revert',
        prNumber: null,
        additions: rng.int(5, 60),
        deletions: rng.int(5, 60),
        files: rng.int(1, 4),
        revertsSha: target!.sha,
      },
    });
  } else {
    entry.remedyRef = sha;
    schedule(st, {
      at: fixAt,
      type: 'commit',
      commit: {
        sha,
        author,
        authoredAt: fixAt,
        subject: `hotfix: guard ${st.repo.service} against bad config`,
        origin: 'hotfix',
        prNumber: null,
        additions: rng.int(1, 20),
        deletions: rng.int(0, 10),
        files: 1,
        revertsSha: null,
      },
    });
  }
  schedule(st, { at: fixAt + delayA, type: 'deploy', remedial: true });
}

/** The repo's history before the window: a root commit and one healthy deployment of it. */
export function bootstrapRepo(ctx: DemoContext, st: RepoState): void {
  const rootAt = ctx.start - 7 * DAY;
  const author = st.team.members[0]!;
  st.tip = Rng.sha(`${ctx.o.seed}:${st.repo.repo}:root`);
  ctx.emit({
    kind: 'commit',
    repo: st.repo.repo,
    sha: st.tip,
    author,
    author_email: `${author}@demo.example`,
    authored_at: new Date(rootAt),
    committed_at: new Date(rootAt),
    additions: 500,
    deletions: 0,
    files: 40,
    parents: [],
    subject: 'Initial commit',
  });
  st.undeployed = [{ sha: st.tip, committedAt: rootAt, origin: 'direct', subject: 'Initial commit' }];
  stagingDeploy(ctx, st, ctx.start - DAY - H);
  productionDeploy(ctx, st, ctx.start - DAY, true);
}

export { landOnMain };
