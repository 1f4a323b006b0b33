import type { DemoContext, MainCommit, RepoState } from './context.js';
import { schedule } from './context.js';
import { ciRun, type Push } from './ci.js';
import { CI, PR, PROVISIONING } from './params.js';
import { testEnvironment, type HeadCi } from './provisioning.js';
import { Rng } from './random.js';
import { mergedPrCoverage } from './coverage.js';
import { reviewWaitFactor } from './experiments.js';

const H = 3_600_000;
const VERBS = ['Add', 'Improve', 'Refactor', 'Speed up', 'Tidy', 'Support', 'Handle', 'Document'];
const NOUNS = [
  'retry policy',
  'client timeouts',
  'cache layer',
  'pagination',
  'metrics export',
  'input validation',
  'error pages',
  'schema migration',
  'feature flag',
  'rate limiter',
];
const LABELS = ['feature', 'bug', 'chore', 'refactor'];
const DEPS = ['lodash', 'zod', 'serde', 'tokio', 'axios', 'express', 'grpc', 'protobuf'];

const date = (ms: number | null) => (ms === null ? null : new Date(ms));
const sha = (ctx: DemoContext, st: RepoState, what: string) =>
  Rng.sha(`${ctx.o.seed}:${st.repo.repo}:${what}`);

/**
 * Opens one PR and decides its whole life at once (ready, reviews, pushes, merge), emitting
 * everything that happens before the window ends; the merge lands on main through the queue.
 */
export function openPr(
  ctx: DemoContext,
  st: RepoState,
  author: string,
  isBot: boolean,
  createdAt: number,
): void {
  const rng = ctx.rng.code;
  const number = ++st.prSeq;
  const end = ctx.end;
  const title = isBot
    ? `Bump ${rng.pick(DEPS)} from 1.${rng.int(0, 9)}.0 to 1.${rng.int(10, 19)}.0`
    : `${rng.pick(VERBS)} ${rng.pick(NOUNS)}`;
  const branch = isBot ? `${author.replace('[bot]', '')}/deps-${number}` : `${author}/pr-${number}`;
  const firstCommitAt = isBot
    ? createdAt
    : createdAt - Math.round(rng.lognormal(PR.codingMedianHours, 0.8) * H);
  const draft = !isBot && rng.chance(PR.draftShare);
  const readyAt = draft ? createdAt + Math.round(rng.lognormal(PR.draftMedianHours, 0.6) * H) : createdAt;
  const others = st.team.members.filter((m) => m !== author);
  const reviewer = rng.pick(
    others.length ? others : ctx.org.developers.map((d) => d.login).filter((l) => l !== author),
  );
  const firstReviewAt = readyAt + Math.round(rng.lognormal(st.team.reviewLatencyMedianHours, 0.8) * H);
  // The planted experiment (experiments.ts) shortens only the first review's wait: the rest of the
  // PR's life keeps its times, so no later draw or event moves.
  const reviewedAt = isBot
    ? firstReviewAt
    : readyAt + Math.round((firstReviewAt - readyAt) * reviewWaitFactor(ctx, author, readyAt));
  const changes = !isBot && rng.chance(PR.changesRequestedShare);
  const genuine =
    !isBot && rng.chance(CI.genuineFailurePrShare)
      ? rng.pick(st.tests.filter((t) => t.suite === 'unit' && !t.flaky))
      : null;
  const pushes: { at: number; sha: string; genuine: typeof genuine }[] = [
    { at: createdAt, sha: sha(ctx, st, `pr${number}.1`), genuine },
  ];
  if (genuine)
    pushes.push({
      at: createdAt + Math.round(rng.boundedLognormal(1, 0.5, 3) * H),
      sha: sha(ctx, st, `pr${number}.fix`),
      genuine: null,
    });
  const reworkAt = changes ? firstReviewAt + Math.round(rng.lognormal(PR.reworkMedianHours, 0.6) * H) : null;
  if (reworkAt !== null)
    pushes.push({ at: reworkAt, sha: sha(ctx, st, `pr${number}.rework`), genuine: null });
  const approvalAt =
    reworkAt !== null
      ? reworkAt + Math.round(rng.lognormal(PR.approvalAfterReworkMedianHours, 0.6) * H)
      : firstReviewAt;
  const closeAt = approvalAt + Math.round(rng.lognormal(PR.mergeAfterApprovalMedianMinutes, 0.6) * 60_000);
  const abandoned = rng.chance(PR.abandonedShare);
  const closed = closeAt < end;
  const merged = closed && !abandoned;
  const additions = isBot ? rng.int(2, 20) : Math.round(rng.lognormal(PR.additionsMedian, 1));
  const deletions = isBot ? rng.int(2, 20) : Math.round(rng.lognormal(PR.deletionsMedian, 1));
  const files = isBot ? rng.int(1, 2) : 1 + Math.round(rng.lognormal(PR.filesMedian, 0.7));
  const comments = rng.int(0, 6);
  const reviewComments = changes ? rng.int(2, 8) : rng.int(0, 2);
  const mergeSha = sha(ctx, st, `pr${number}.merge`);
  const upTo = (ms: number) => (ms < end ? ms : null);
  const visiblePushes = pushes.filter((p) => p.at < end);
  ctx.emit({
    kind: 'pull_request',
    repo: st.repo.repo,
    number,
    author,
    title,
    state: merged ? 'merged' : closed ? 'closed' : 'open',
    created_at: new Date(createdAt),
    ready_at: date(upTo(readyAt)),
    first_commit_at: new Date(firstCommitAt),
    merged_at: date(merged ? closeAt : null),
    closed_at: date(closed ? closeAt : null),
    additions,
    deletions,
    changed_files: files,
    comments,
    labels: isBot ? ['dependencies'] : [rng.pick(LABELS)],
    draft: draft && readyAt >= end,
    base_branch: 'main',
    head_sha: visiblePushes[visiblePushes.length - 1]!.sha,
    merge_sha: merged ? mergeSha : null,
    updated_at: new Date(Math.min(closed ? closeAt : visiblePushes[visiblePushes.length - 1]!.at, end - 1)),
  });
  const reviews: [number, 'approved' | 'changes_requested'][] = [
    [reviewedAt, changes ? 'changes_requested' : 'approved'],
  ];
  if (changes) reviews.push([approvalAt, 'approved']);
  reviews.forEach(([at, state], i) => {
    if (at < end)
      ctx.emit({
        kind: 'review',
        repo: st.repo.repo,
        pr_number: number,
        review_id: `${number}-${i + 1}`,
        reviewer,
        state,
        submitted_at: new Date(at),
        comments: i === 0 ? reviewComments : 0,
      });
  });
  const ci = visiblePushes.map((p) =>
    ciWithTimes(ctx, st, {
      at: p.at,
      sha: p.sha,
      branch,
      event: 'pull_request',
      prNumber: number,
      actor: author,
      genuine: p.genuine,
    }),
  );
  // The provisioner waits for the CI of the PR's head at the time it polls.
  const headCi = (t: number) => ci.filter((c) => c.pushAt <= t).pop() ?? ci[0]!;
  if (!isBot) {
    if (reviewedAt < end)
      ctx.realised.push(ctx.realised.reviewLatencyHours, st.team.team, (reviewedAt - readyAt) / H);
    if (merged) ctx.realised.push(ctx.realised.cycleTimeHours, st.team.team, (closeAt - createdAt) / H);
    // Most developers ask for an environment within minutes of the PR being ready, while its CI runs.
    if (ctx.rng.env.chance(0.6))
      testEnvironment(
        ctx,
        st,
        branch,
        readyAt + ctx.rng.env.int(1, 5) * 60_000,
        closed ? closeAt : null,
        headCi,
      );
  }
  if (merged)
    schedule(st, {
      at: closeAt,
      type: 'commit',
      commit: {
        sha: mergeSha,
        author,
        authoredAt: firstCommitAt,
        subject: `${title} (#${number})`,
        origin: 'pr',
        prNumber: number,
        additions,
        deletions,
        files,
        revertsSha: null,
      },
    });
  if (merged) mergedPrCoverage(ctx, st, { number, mergeSha, mergedAt: closeAt, additions });
}

/**
 * A push's CI, and what a provisioner reads of it from the PR's checks: the ends of its jobs,
 * taken from the records the run emitted (so they are the warehouse's pipeline_jobs).
 */
function ciWithTimes(ctx: DemoContext, st: RepoState, push: Push): HeadCi & { pushAt: number } {
  const jobs: { attempt: number; name: string; test: boolean; ok: boolean; completed: number }[] = [];
  ciRun(
    {
      ...ctx,
      emit: (r) => {
        if (r.kind === 'pipeline_job' && r.completed_at)
          jobs.push({
            attempt: r.attempt ?? 1,
            name: r.name,
            test: r.stage === 'test',
            ok: r.conclusion === 'success',
            completed: new Date(r.completed_at).getTime(),
          });
        ctx.emit(r);
      },
    },
    st,
    push,
  );
  const image = PROVISIONING.optimisation.imageJob;
  const first = jobs.filter((j) => j.attempt === 1);
  const last = (xs: typeof jobs) => (xs.length ? Math.max(...xs.map((j) => j.completed)) : push.at);
  return {
    pushAt: push.at,
    sha: push.sha,
    buildDoneAt: last(first.filter((j) => j.name === image)),
    testsDoneAt: last(first.filter((j) => j.test)),
    runDoneAt: last(first),
    builds: jobs
      .filter((j) => j.name === image && j.ok)
      .map((j) => ({
        end: j.completed,
        testsEnd: last(jobs.filter((t) => t.test && t.attempt === j.attempt)),
      })),
  };
}

export function directCommit(ctx: DemoContext, st: RepoState, author: string, at: number): MainCommit {
  const rng = ctx.rng.code;
  const n = ++st.commitSeq;
  return {
    sha: sha(ctx, st, `direct${n}`),
    author,
    authoredAt: at,
    subject: rng.pick(['Bump version', 'Update changelog', 'Fix typo in README', 'Adjust CODEOWNERS']),
    origin: 'direct',
    prNumber: null,
    additions: rng.int(1, 10),
    deletions: rng.int(0, 5),
    files: 1,
    revertsSha: null,
  };
}

/** A commit lands on main: the DAG grows by one (main is linear: squash merges), CI runs on the push. */
export function landOnMain(ctx: DemoContext, st: RepoState, c: MainCommit, at: number): void {
  ctx.emit({
    kind: 'commit',
    repo: st.repo.repo,
    sha: c.sha,
    author: c.author,
    author_email: c.author.includes('[bot]') ? null : `${c.author}@demo.example`,
    authored_at: new Date(Math.min(c.authoredAt, at)),
    committed_at: new Date(at),
    additions: c.additions,
    deletions: c.deletions,
    files: c.files,
    parents: [st.tip],
    is_merge: false,
    reverts_sha: c.revertsSha,
    pr_number: c.prNumber,
    subject: c.subject,
  });
  st.tip = c.sha;
  st.undeployed.push({ sha: c.sha, committedAt: at, origin: c.origin, subject: c.subject });
  ciRun(ctx, st, {
    at,
    sha: c.sha,
    branch: 'main',
    event: 'push',
    prNumber: null,
    actor: c.author,
    genuine: null,
  });
}
