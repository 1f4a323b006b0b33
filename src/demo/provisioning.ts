import { StatsdAggregator } from '../listeners/statsd/aggregate.js';
import { statsdSection } from '../listeners/statsd/config.js';
import { CardinalityGuard } from '../listeners/statsd/guard.js';
import { parsePacket } from '../listeners/statsd/parse.js';
import { testenvSection } from '../listeners/statsd/testenv-config.js';
import {
  testenvObserver,
  type ProvisionSpan,
  type TestenvObserver,
} from '../listeners/statsd/testenv-events.js';
import type { DemoContext, RepoState } from './context.js';
import { DAY } from './options.js';
import { PROVISIONING, type FailureCategory } from './params.js';
import type { Realised } from './realised.js';
import { provisioningOptimisedAt } from './truth.js';

/**
 * Test environments, emitted the way the seed's instrumentation reports them: each provisioning
 * is the DogStatsD lines its hot-shots calls send (timings per phase, the total, success or
 * failed with failure_type, started with ci_tests_complete; a down counter at teardown), dated
 * with `|T`. The lines go through the real parser to the real testenv observer, whose spans are
 * the demo's records, and to the real aggregator, whose points and sketches are too: the demo's
 * provisioning data is what `pitwall serve` would store from that instrumentation.
 *
 * Provisioning waits for the PR head's CI, so it is causal with the CI records: before the
 * planted optimisation the checks phase lasts until the whole CI run is done; from it on, until
 * the image job is, found by a poll every 30 s.
 */

/** What the PR head's CI did, as the provisioner reads it from the PR's checks (attempt 1). */
export interface HeadCi {
  sha: string;
  buildDoneAt: number;
  /** The last end of a test-stage job (unit, integration, e2e). */
  testsDoneAt: number;
  runDoneAt: number;
  /** Every successful image job of this sha (any attempt): its end, and the end of its attempt's test jobs. */
  builds: { end: number; testsEnd: number }[];
}

/** The listener's defaults (interval, tag policy, cap): the demo's series are what a default `statsd:` stores. */
const LISTENER = statsdSection.parse({});
const MAPPING = testenvSection.parse({}).statsd;
/** Past every demo sample: the observer emits whatever it holds. */
const FOREVER = Number.MAX_SAFE_INTEGER;

interface StatsdPath {
  observer: TestenvObserver;
  /** One aggregator per UTC day of the samples' timestamps, flushed once that day is generated. */
  days: Map<number, StatsdAggregator>;
  /** One guard for all of them, as the listener has one: branch and sha never reach the series. */
  guard: CardinalityGuard;
}
const paths = new WeakMap<Realised, StatsdPath>();
function pathOf(ctx: DemoContext): StatsdPath {
  let p = paths.get(ctx.realised);
  if (!p) {
    const guard = new CardinalityGuard({
      maxTagSetsPerMetric: LISTENER.max_tag_sets_per_metric,
      policy: LISTENER.tag_policy,
    });
    paths.set(ctx.realised, (p = { observer: testenvObserver(MAPPING), days: new Map(), guard }));
  }
  return p;
}

/** Hands DogStatsD lines to the observer and the aggregator as the listener would (received at their |T). */
function send(ctx: DemoContext, lines: string[]): ProvisionSpan[] {
  const path = pathOf(ctx);
  if (ctx.realised.detail) ctx.realised.provisioning.statsdLines.push(...lines);
  for (const p of parsePacket(lines.join('\n'))) {
    if (p.kind !== 'metric') throw new Error(`demo StatsD line not a metric: ${JSON.stringify(p)}`);
    const at = p.sample.timestamp! * 1000;
    path.observer.observe(p.sample, at);
    const day = Math.floor(at / DAY);
    let agg = path.days.get(day);
    // No lateness horizon: this is a one-shot replay of history, every interval complete when flushed.
    if (!agg)
      path.days.set(
        day,
        (agg = new StatsdAggregator({ intervalSeconds: LISTENER.flush_interval_seconds, guard: path.guard })),
      );
    agg.add(p.sample, at);
  }
  const spans = path.observer.drain(FOREVER);
  for (const s of spans) ctx.emit(s);
  return spans;
}

/**
 * Emits the series of every sample day ending at or before `untilMs`. Samples are generated no
 * earlier than the day being generated (a PR's provisioning and teardown are dated after it
 * opens), so once day D is done no sample dated before D + 1 can come.
 */
export function provisioningDay(ctx: DemoContext, untilMs: number): void {
  const path = pathOf(ctx);
  for (const day of [...path.days.keys()].sort((a, b) => a - b)) {
    if ((day + 1) * DAY > untilMs) continue;
    for (const r of path.days.get(day)!.flush()) ctx.emit(r);
    path.days.delete(day);
  }
}

/** The planted optimisation's annotation (category `testenv`), on its date. */
export function provisioningAnnotation(ctx: DemoContext): void {
  const opt = PROVISIONING.optimisation;
  ctx.emit({
    kind: 'annotation',
    id: opt.annotationId,
    occurred_at: provisioningOptimisedAt(ctx.o),
    title: opt.title,
    category: 'testenv',
  });
}

const wholeSecondUp = (ms: number) => Math.ceil(ms / 1000) * 1000;
const unix = (ms: number) => Math.floor(ms / 1000);
const lognormalMs = (ctx: DemoContext, phase: keyof typeof PROVISIONING.phases) =>
  Math.round(ctx.rng.env.lognormal(PROVISIONING.phases[phase].medianSeconds, PROVISIONING.phaseSigma) * 1000);

/**
 * One provisioning requested at `at`: the lines the instrumented handler sends as it goes (a
 * phase's timing when it ends; on failure the failing phase's timing, the total and the failed
 * counter), then the spans the observer made of them. Ready times are whole seconds, as `|T` is.
 */
function provision(
  ctx: DemoContext,
  st: RepoState,
  branch: string,
  at: number,
  allowFail: boolean,
  ci: HeadCi,
): { ok: boolean; readyAt: number } {
  const rng = ctx.rng.env;
  const P = PROVISIONING;
  const category: FailureCategory | null =
    allowFail && rng.chance(P.failureRate)
      ? rng.weighted({
          timeout_waiting_builds: P.failureCategories.timeout_waiting_builds.share,
          k8s_error: P.failureCategories.k8s_error.share,
          no_pr_found: P.failureCategories.no_pr_found.share,
          unknown: P.failureCategories.unknown.share,
        })
      : null;
  const failPhase = category ? P.failureCategories[category].phase : null;
  const optimised = at >= provisioningOptimisedAt(ctx.o).getTime();
  const firstPoll = rng.int(P.firstPollSeconds[0] * 1000, P.firstPollSeconds[1] * 1000);
  // Before: every check of the run must be done. After: the image is enough.
  const awaited = optimised ? ci.buildDoneAt : ci.runDoneAt;
  const poll = P.pollSeconds * 1000;
  let checksEnd =
    category === 'timeout_waiting_builds'
      ? at + P.timeoutMinutes * 60_000
      : category === 'no_pr_found' || awaited <= at
        ? at + firstPoll
        : at + Math.ceil((awaited - at) / poll) * poll;
  const tags = `repo:${st.repo.repo},branch:${branch},sha:${ci.sha},team:${st.team.team},trigger:manual`;
  const line = (name: string, value: number, type: 'ms' | 'c', t: number, extra = '') =>
    `${name}:${value}|${type}|#${tags}${extra}|T${unix(t)}`;
  const lines: string[] = [];
  let end: number;
  if (failPhase === 'testenv.checks') {
    end = checksEnd = wholeSecondUp(checksEnd);
    lines.push(line(MAPPING.phases['testenv.checks']!, checksEnd - at, 'ms', end));
  } else {
    const complete = ci.testsDoneAt <= checksEnd;
    lines.push(line(MAPPING.started, 1, 'c', checksEnd, `,${MAPPING.ci_complete_tag}:${complete}`));
    lines.push(line(MAPPING.phases['testenv.checks']!, checksEnd - at, 'ms', checksEnd));
    let k8sEnd = checksEnd + lognormalMs(ctx, 'testenv.kubernetes');
    if (failPhase === 'testenv.kubernetes') end = k8sEnd = wholeSecondUp(k8sEnd);
    lines.push(line(MAPPING.phases['testenv.kubernetes']!, k8sEnd - checksEnd, 'ms', k8sEnd));
    if (failPhase !== 'testenv.kubernetes') {
      end = wholeSecondUp(k8sEnd + lognormalMs(ctx, 'testenv.wait_ready'));
      lines.push(line(MAPPING.phases['testenv.wait_ready']!, end - k8sEnd, 'ms', end));
    }
  }
  end = end!;
  lines.push(line(MAPPING.total_duration, end - at, 'ms', end));
  lines.push(
    category
      ? line(MAPPING.failed, 1, 'c', end, `,${MAPPING.failure_tag}:${category}`)
      : line(MAPPING.success, 1, 'c', end),
  );
  record(ctx.realised, send(ctx, lines), ci, category);
  return { ok: !category, readyAt: end };
}

/** The realised values, read from the spans the observer emitted (what the warehouse will hold). */
function record(real: Realised, spans: ProvisionSpan[], ci: HeadCi, category: FailureCategory | null): void {
  const p = real.provisioning;
  const root = spans.find((s) => s.name === 'testenv.provision');
  if (!root || spans.length < 2)
    throw new Error('the testenv observer did not make a provisioning of the demo lines');
  const ms = (iso: string) => Date.parse(iso);
  const phases = spans
    .filter((s) => s.parent_id === root.span_id)
    .map((s) => ({ name: s.name, startedAt: ms(s.started_at), ms: ms(s.ended_at) - ms(s.started_at) }));
  for (const ph of phases) real.push(p.phaseSeconds, ph.name, ph.ms / 1000);
  const k8s = phases.find((ph) => ph.name === 'testenv.kubernetes');
  // The image job a CI-delay analysis joins: the latest successful one that ended before kubernetes began.
  const image = k8s
    ? ci.builds.filter((b) => b.end <= k8s.startedAt).sort((a, b) => b.end - a.end)[0]
    : undefined;
  const ok = root.status === 'ok';
  p.provisions++;
  if (category) p.failures[category] = (p.failures[category] ?? 0) + 1;
  p.rows.push({
    startedAt: ms(root.started_at),
    endedAt: ms(root.ended_at),
    ok,
    phases,
    ciTestsComplete:
      typeof root.attributes.ci_tests_complete === 'boolean' ? root.attributes.ci_tests_complete : null,
    ciDelayMs: k8s && image ? k8s.startedAt - image.end : null,
    readyMinusTestsMs: ok ? ms(root.ended_at) - ci.testsDoneAt : null,
    parallelMs: ok && image ? Math.max(0, image.testsEnd - ms(root.ended_at)) : null,
  });
}

/**
 * A PR branch's test environment. Some successful ones are torn down by hand and brought up
 * again within the window (a manual re-provision: a down counter, then a new provision on the
 * same branch within 2 h); every environment is torn down when its PR is merged or closed.
 * `headCi(t)` is the CI of the PR's head commit at time t.
 */
export function testEnvironment(
  ctx: DemoContext,
  st: RepoState,
  branch: string,
  at: number,
  closedAt: number | null,
  headCi: (t: number) => HeadCi,
) {
  if (at >= ctx.end) return;
  const rng = ctx.rng.env;
  const first = provision(ctx, st, branch, at, true, headCi(at));
  let upAt = first.readyAt;
  if (first.ok && rng.chance(PROVISIONING.reprovisionShare)) {
    const downAt = first.readyAt + rng.int(20, 100) * 60_000;
    const downEnd = downAt + rng.int(30, 90) * 1000;
    const againAt = downEnd + rng.int(1, 15) * 60_000;
    if (againAt < ctx.end) {
      deprovision(ctx, st, branch, downAt);
      ctx.realised.provisioning.reprovisions++;
      // The re-provision is not a new failure draw, so the failure rate is per first provision.
      upAt = provision(ctx, st, branch, againAt, false, headCi(againAt)).readyAt;
    }
  }
  // Teardown at close comes 3 h after anything else at the earliest, so it never pairs with an "up".
  if (closedAt !== null && closedAt < ctx.end && first.ok)
    deprovision(ctx, st, branch, Math.max(closedAt, upAt + 3 * 3_600_000));
}

/** `/env down`: the down counter with the branch (what re-provisioning needs). */
function deprovision(ctx: DemoContext, st: RepoState, branch: string, at: number) {
  if (at >= ctx.end) return;
  send(ctx, [
    `${MAPPING.deprovision}:1|c|#repo:${st.repo.repo},branch:${branch},team:${st.team.team}|T${unix(at)}`,
  ]);
}
