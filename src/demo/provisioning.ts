import type { DemoContext, RepoState } from './context.js';
import { PROVISIONING, type FailureCategory } from './params.js';

type Phase = keyof typeof PROVISIONING.phases;
const PHASES = Object.keys(PROVISIONING.phases) as Phase[];

/**
 * One `testenv.provision` root span with its phase children. A failure stops at the phase its
 * category belongs to; that phase and the root carry status 'error' and the category.
 */
function provision(
  ctx: DemoContext,
  st: RepoState,
  branch: string,
  id: string,
  at: number,
  allowFail: boolean,
) {
  const rng = ctx.rng.env;
  const real = ctx.realised.provisioning;
  const category: FailureCategory | null =
    allowFail && rng.chance(PROVISIONING.failureRate)
      ? rng.weighted({
          timeout_waiting_builds: PROVISIONING.failureCategories.timeout_waiting_builds.share,
          k8s_error: PROVISIONING.failureCategories.k8s_error.share,
          no_pr_found: PROVISIONING.failureCategories.no_pr_found.share,
          unknown: PROVISIONING.failureCategories.unknown.share,
        })
      : null;
  const failPhase = category ? PROVISIONING.failureCategories[category].phase : null;
  const key = { key: branch, repo: st.repo.repo, team: st.team.team };
  let t = at;
  for (const phase of PHASES) {
    const seconds = rng.lognormal(PROVISIONING.phases[phase].medianSeconds, PROVISIONING.phaseSigma);
    const ends = t + Math.round(seconds * 1000);
    const failsHere = phase === failPhase;
    ctx.realised.push(real.phaseSeconds, phase, seconds);
    ctx.emit({
      kind: 'span',
      span_id: `${id}-${phase.slice(8)}`,
      parent_id: id,
      name: phase,
      ...key,
      started_at: new Date(t),
      ended_at: new Date(ends),
      status: failsHere ? 'error' : 'ok',
      failure_category: failsHere ? category : null,
    });
    t = ends;
    if (failsHere) break;
  }
  real.provisions++;
  if (category) real.failures[category] = (real.failures[category] ?? 0) + 1;
  ctx.emit({
    kind: 'span',
    span_id: id,
    name: 'testenv.provision',
    ...key,
    started_at: new Date(at),
    ended_at: new Date(t),
    status: category ? 'error' : 'ok',
    failure_category: category,
    attributes: { trigger: 'manual' },
  });
  return { ok: !category, readyAt: t };
}

/**
 * A PR branch's test environment. Some successful ones are torn down by hand and brought up
 * again within the window (a manual re-provision: `testenv.deprovision` then a new provision
 * on the same key within 2 h); every environment is torn down when its PR is merged or closed.
 */
export function testEnvironment(
  ctx: DemoContext,
  st: RepoState,
  branch: string,
  at: number,
  closedAt: number | null,
) {
  if (at >= ctx.end) return;
  const rng = ctx.rng.env;
  const id = `env-${st.repo.service}-${st.prSeq}`;
  const first = provision(ctx, st, branch, id, at, true);
  let upAt = first.readyAt;
  if (first.ok && rng.chance(PROVISIONING.reprovisionShare)) {
    const downAt = first.readyAt + rng.int(20, 100) * 60_000;
    const downEnd = downAt + rng.int(30, 90) * 1000;
    const againAt = downEnd + rng.int(1, 15) * 60_000;
    if (againAt < ctx.end) {
      deprovision(ctx, st, branch, `${id}-down1`, downAt, downEnd);
      ctx.realised.provisioning.reprovisions++;
      // The re-provision is not a new failure draw, so the failure rate is per first provision.
      upAt = provision(ctx, st, branch, `${id}-re`, againAt, false).readyAt;
    }
  }
  // Teardown at close comes 3 h after anything else at the earliest, so it never pairs with an "up".
  if (closedAt !== null && closedAt < ctx.end && first.ok)
    deprovision(ctx, st, branch, `${id}-down`, Math.max(closedAt, upAt + 3 * 3_600_000), null);
}

function deprovision(
  ctx: DemoContext,
  st: RepoState,
  branch: string,
  id: string,
  at: number,
  endAt: number | null,
) {
  if (at >= ctx.end) return;
  ctx.emit({
    kind: 'span',
    span_id: id,
    name: 'testenv.deprovision',
    key: branch,
    repo: st.repo.repo,
    team: st.team.team,
    started_at: new Date(at),
    ended_at: new Date(endAt ?? at + 45_000),
    status: 'ok',
  });
}
