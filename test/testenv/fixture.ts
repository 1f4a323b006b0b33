/**
 * A hand-built day of test-environment provisioning and CI, every answer worked out by hand
 * (docs/testenv.md, "Analysis", for the rules). Day D = Monday 2025-01-06 (UTC).
 *
 * Provisions (repo, branch, start, phases checks/kubernetes/wait_ready in minutes):
 *   P1 api feat-1 10:00  10,4,2  ok 16 min   sha a1a1a1a, ci_tests_complete true
 *   P2 api feat-2 11:00  1,4,3   ok 8 min    ci_tests_complete false
 *   P3 web feat-3 12:00  5,20    k8s_error in the Kubernetes phase
 *   P4 web feat-4 13:00  30      timeout_waiting_builds in the checks phase
 *   P5 api feat-1 14:00  1,5,4   ok 10 min   ci_tests_complete false; 120 min after D1 exactly: a re-provision
 *   P6 web feat-3 17:00:01 1,3,2 ok 6 min    120 min 1 s after D2: not a re-provision
 *   P7 api feat-2 19:00  2,6,4   ok 12 min   ci_tests_complete true; 3 h after D3 (teardown at close): not one;
 *                                           D4 (18:30) is feat-2 of the other repository: not one
 *   P8 api feat-5 08:30  2,2,2   ok 6 min    30 min after D5: a re-provision
 *   P9 api feat-5 09:00  1,1,1   ok 3 min    60 min after D5 but P8 came between: not one
 * Teardowns: D1 api feat-1 12:00, D2 web feat-3 15:00, D3 api feat-2 16:00, D4 web feat-2 18:30,
 *   D5 api feat-5 08:00.
 *
 * CI (repo api unless said; image jobs by the default pattern in capitals):
 *   r1 feat-1 sha a1a1a1a: BUILD 10:06, unit 10:09, e2e 10:12
 *   r7 feat-1 sha 7777777: BUILD 10:08, unit 10:20            (P1 has its sha: not r7; P5 by branch: r7)
 *   r4 feat-1 sha 4444444: build FAILED 13:50                  (a failed build never counts)
 *   r0 feat-2 sha b0b0b0b: BUILD 10:30, unit 10:40
 *   r2 feat-2 sha b2b2b2b: DOCKER-IMAGE 10:59, rebuild-cache 11:00:30 (not an image job), integration 11:20
 *   r3 feat-2 sha b3b3b3b: Build 11:03, unit 11:10             (after P2's Kubernetes start 11:01)
 *   r6 feat-2 sha b6b6b6b: BUILD 18:50, unit 19:30 (stage test), package 19:40 (tests end at 19:30)
 *   r5 feat-3 sha 5555555: BUILD 16:00                          (repo api: P6 is repo web)
 * So the CI delay (image end -> Kubernetes start) is P1 4 (r1), P2 2 (r2), P5 233 (r7), P7 12 (r6);
 * P3, P6, P8, P9 have no image job (left out); P4 never reached Kubernetes.
 * Parallel time (tests end - ready, 0 if before): P1 0, P2 12 (11:20-11:08), P5 0, P7 18. Tests end:
 * the run's jobs whose stage or name says test, else all its jobs but the image job.
 */

export const DAY = '2025-01-06';
export const API = 'acme/api';
export const WEB = 'acme/web';
const at = (hhmmss: string) => new Date(`${DAY}T${hhmmss.length === 5 ? `${hhmmss}:00` : hhmmss}Z`);
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

type Fail = 'k8s_error' | 'timeout_waiting_builds' | null;
const PHASES = ['testenv.checks', 'testenv.kubernetes', 'testenv.wait_ready'] as const;

function provision(
  id: string,
  repo: string,
  key: string,
  start: string,
  minutes: number[],
  failure: Fail,
  attributes: Record<string, string | boolean> = {},
) {
  const t0 = at(start);
  const out: Record<string, unknown>[] = [];
  let t = t0;
  minutes.forEach((m, i) => {
    const last = i === minutes.length - 1;
    out.push({
      kind: 'span',
      span_id: `${id}-${i}`,
      parent_id: id,
      name: PHASES[i],
      key,
      repo,
      team: 'core',
      started_at: t,
      ended_at: plus(t, m),
      status: failure && last ? 'error' : 'ok',
      failure_category: failure && last ? failure : null,
    });
    t = plus(t, m);
  });
  out.push({
    kind: 'span',
    span_id: id,
    name: 'testenv.provision',
    key,
    repo,
    team: 'core',
    started_at: t0,
    ended_at: t,
    status: failure ? 'error' : 'ok',
    failure_category: failure,
    attributes: { trigger: 'manual', ...attributes },
  });
  return out;
}

const down = (id: string, repo: string, key: string, start: string) => ({
  kind: 'span',
  span_id: id,
  name: 'testenv.deprovision',
  key,
  repo,
  team: 'core',
  started_at: at(start),
  ended_at: plus(at(start), 1),
  status: 'ok',
});

function run(
  runId: string,
  branch: string,
  sha: string,
  jobs: [name: string, end: string, conclusion?: 'success' | 'failure', stage?: string][],
  repo = API,
) {
  const created = plus(at(jobs[0]![1]), -10);
  return [
    {
      kind: 'pipeline_run',
      repo,
      run_id: runId,
      workflow: 'ci',
      branch,
      sha,
      created_at: created,
      started_at: created,
      completed_at: at(
        jobs
          .map((j) => j[1])
          .sort()
          .at(-1)!,
      ),
      conclusion: jobs.some((j) => j[2] === 'failure') ? 'failure' : 'success',
    },
    ...jobs.map(([name, end, conclusion, stage]) => ({
      kind: 'pipeline_job',
      repo,
      job_id: `${runId}-${name}`,
      run_id: runId,
      workflow: 'ci',
      name,
      stage: stage ?? null,
      created_at: created,
      started_at: created,
      completed_at: at(end),
      conclusion: conclusion ?? 'success',
    })),
  ];
}

export const records: Record<string, unknown>[] = [
  ...provision('P1', API, 'feat-1', '10:00', [10, 4, 2], null, { sha: 'A1A1A1A', ci_tests_complete: true }),
  ...provision('P2', API, 'feat-2', '11:00', [1, 4, 3], null, { ci_tests_complete: false }),
  ...provision('P3', WEB, 'feat-3', '12:00', [5, 20], 'k8s_error'),
  ...provision('P4', WEB, 'feat-4', '13:00', [30], 'timeout_waiting_builds'),
  ...provision('P5', API, 'feat-1', '14:00', [1, 5, 4], null, { ci_tests_complete: false }),
  ...provision('P6', WEB, 'feat-3', '17:00:01', [1, 3, 2], null),
  ...provision('P7', API, 'feat-2', '19:00', [2, 6, 4], null, { ci_tests_complete: true }),
  ...provision('P8', API, 'feat-5', '08:30', [2, 2, 2], null),
  ...provision('P9', API, 'feat-5', '09:00', [1, 1, 1], null),
  down('D1', API, 'feat-1', '12:00'),
  down('D2', WEB, 'feat-3', '15:00'),
  down('D3', API, 'feat-2', '16:00'),
  down('D4', WEB, 'feat-2', '18:30'),
  down('D5', API, 'feat-5', '08:00'),
  ...run('r1', 'feat-1', 'a1a1a1a', [
    ['build', '10:06'],
    ['unit', '10:09'],
    ['e2e', '10:12'],
  ]),
  ...run('r7', 'feat-1', '7777777', [
    ['build', '10:08'],
    ['unit', '10:20'],
  ]),
  ...run('r4', 'feat-1', '4444444', [['build', '13:50', 'failure']]),
  ...run('r0', 'feat-2', 'b0b0b0b', [
    ['build', '10:30'],
    ['unit', '10:40'],
  ]),
  ...run('r2', 'feat-2', 'b2b2b2b', [
    ['docker-image', '10:59'],
    ['rebuild-cache', '11:00:30'],
    ['integration', '11:20'],
  ]),
  ...run('r3', 'feat-2', 'b3b3b3b', [
    ['Build', '11:03'],
    ['unit', '11:10'],
  ]),
  ...run('r6', 'feat-2', 'b6b6b6b', [
    ['build', '18:50'],
    ['unit', '19:30', 'success', 'test'],
    ['package', '19:40'],
  ]),
  ...run('r5', 'feat-3', '5555555', [['build', '16:00']]),
];

export const WINDOW = { from: new Date(`${DAY}T00:00:00Z`), to: new Date('2025-01-07T00:00:00Z') };
