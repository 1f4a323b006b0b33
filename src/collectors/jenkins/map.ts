import { z } from 'zod';
import type { RecordInput } from '../../domain/records.js';
import { buildParameters } from './params.js';

/** One entry of a folder's `jobs` list. */
export const jkJob = z.object({ name: z.string().min(1), _class: z.string().default('') }).loose();
export const jkJobList = z.object({ jobs: z.array(jkJob).default([]) }).loose();

const cause = z.object({ _class: z.string().default(''), userId: z.string().nullish() }).loose();
const action = z
  .object({
    _class: z.string().optional(),
    causes: z.array(cause).optional(),
    parameters: z
      .array(
        z.object({ _class: z.string().optional(), name: z.string(), value: z.unknown().optional() }).loose(),
      )
      .optional(),
    lastBuiltRevision: z
      .object({
        SHA1: z.string().optional(),
        branch: z.array(z.object({ name: z.string() }).loose()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export const jkBuild = z
  .object({
    number: z.number().int().positive(),
    result: z.string().nullish(),
    timestamp: z.number(),
    duration: z.number().default(0),
    building: z.boolean().nullish(),
    // Jenkins leaves `{}` in actions for actions the tree did not select: they parse as empty.
    actions: z.array(action.nullable()).default([]),
  })
  .loose();
export const jkBuildList = z.object({ builds: z.array(jkBuild).default([]) }).loose();
export type JkBuild = z.output<typeof jkBuild>;

export const jkStage = z
  .object({
    id: z.string(),
    name: z.string().min(1),
    status: z.string().nullish(),
    startTimeMillis: z.number(),
    durationMillis: z.number().default(0),
  })
  .loose();
export const jkDescribe = z.object({ stages: z.array(jkStage).default([]) }).loose();
export type JkStage = z.output<typeof jkStage>;

/** Folders and multibranch projects hold jobs; everything else is a job that builds. */
export const isFolder = (cls: string) => /Folder|MultiBranchProject|OrganizationFolder/.test(cls);
export const isMultibranch = (cls: string) => /MultiBranchProject/.test(cls);
/** Pipeline runs have stages (wfapi); freestyle builds do not. */
export const isPipeline = (cls: string) => /WorkflowJob/.test(cls);

type Conclusion = RecordInput<'pipeline_run'>['conclusion'];

/** A build's or stage's result in the GitHub vocabulary the CI metrics read. */
export function conclusionOf(result: string | null | undefined, timedOut = false): Conclusion {
  switch ((result ?? '').toUpperCase()) {
    case 'SUCCESS':
      return 'success';
    // Unstable: the build ran but tests failed; the CI failure metrics should count it.
    case 'UNSTABLE':
    case 'FAILURE':
    case 'FAILED':
      return 'failure';
    case 'ABORTED':
      return timedOut ? 'timed_out' : 'cancelled';
    // "NOT_BUILD" is how one recorded Jenkins spelt NOT_BUILT.
    case 'NOT_BUILT':
    case 'NOT_BUILD':
    case 'NOT_EXECUTED':
      return 'skipped';
    default:
      return null;
  }
}

const EVENTS: [RegExp, string][] = [
  [/UserIdCause|UserCause/, 'manual'],
  [/BranchEventCause|SCMTriggerCause|GitHubPushCause|GitLabWebHookCause/, 'push'],
  [/BranchIndexingCause/, 'indexing'],
  [/TimerTriggerCause/, 'schedule'],
  [/UpstreamCause/, 'upstream'],
  [/RemoteCause/, 'api'],
];

export interface JobRef {
  /** Full name, folders joined by "/": github_org/devlake-jenkins/main. */
  fullName: string;
  /** A multibranch project's branch job: its project is the workflow, its name the branch. */
  branchOf: string | null;
  pipeline: boolean;
}

const at = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One build as a pipeline run, and its stages (pipeline) or itself (freestyle) as jobs. */
export function mapBuild(
  repo: string,
  job: JobRef,
  b: JkBuild,
  stages: JkStage[] | null,
): { run: RecordInput<'pipeline_run'>; jobs: RecordInput<'pipeline_job'>[] } {
  const actions = b.actions.filter((a) => a !== null);
  const causes = actions.flatMap((a) => a.causes ?? []);
  const timedOut = causes.some((c) => /ExceededTimeout/.test(c._class));
  const rev = actions.find((a) => a.lastBuiltRevision)?.lastBuiltRevision;
  const building = b.building === true;
  const runId = `${job.fullName}#${b.number}`;
  const workflow = job.branchOf ?? job.fullName;
  const pr = job.branchOf ? /^PR-(\d+)$/.exec(job.fullName.slice(job.branchOf.length + 1)) : null;
  const branchName = job.branchOf
    ? job.fullName.slice(job.branchOf.length + 1)
    : (rev?.branch?.[0]?.name.replace(/^refs\/remotes\/[^/]+\/|^refs\/heads\//, '') ?? null);
  const started = at(b.timestamp)!;
  const completed = building ? null : at(b.timestamp + b.duration);
  const event = causes.map((c) => EVENTS.find(([re]) => re.test(c._class))?.[1]).find((e) => e !== undefined);
  const run: RecordInput<'pipeline_run'> = {
    kind: 'pipeline_run',
    repo,
    run_id: runId,
    workflow,
    event: event ?? null,
    branch: pr ? null : branchName,
    sha: rev?.SHA1 && /^[0-9a-f]{40}$/.test(rev.SHA1) ? rev.SHA1 : null,
    pr_number: pr ? Number(pr[1]) : null,
    created_at: started,
    started_at: started,
    completed_at: completed,
    status: building ? 'in_progress' : 'completed',
    // A build still running can carry a result in Jenkins' answer (recorded): it is not final yet.
    conclusion: building ? null : conclusionOf(b.result, timedOut),
    actor: causes.find((c) => c.userId)?.userId ?? null,
    // Redacted here: a secret parameter never reaches a record, let alone the store.
    parameters: buildParameters(actions.flatMap((a) => a.parameters ?? [])),
    source_updated_at: completed ?? started,
  };
  const base = { kind: 'pipeline_job' as const, repo, run_id: runId, workflow, runner: null };
  if (!job.pipeline || stages === null) {
    // A freestyle build is one step: it is its own job, so stage KPIs and the critical path cover it.
    const name = job.fullName.split('/').pop()!;
    return {
      run,
      jobs: [
        {
          ...base,
          job_id: `${runId}:build`,
          name,
          stage: null,
          needs: [],
          created_at: started,
          started_at: started,
          completed_at: completed,
          conclusion: run.conclusion,
          source_updated_at: run.source_updated_at,
        },
      ],
    };
  }
  const jobs: RecordInput<'pipeline_job'>[] = [];
  let previous: string | null = null;
  for (const s of stages) {
    const c = conclusionOf(s.status);
    const running = !building ? false : c === null;
    const start = at(s.startTimeMillis)!;
    const end = c === 'skipped' || running || c === null ? null : at(s.startTimeMillis + s.durationMillis);
    jobs.push({
      ...base,
      job_id: `${runId}:${s.id}`,
      name: s.name,
      stage: s.name,
      // Declarative stages run one after another: each waits for the one before (the critical path).
      needs: previous ? [previous] : [],
      created_at: start,
      started_at: c === 'skipped' ? null : start,
      completed_at: end,
      conclusion: c,
      source_updated_at: end ?? start,
    });
    previous = s.name;
  }
  return { run, jobs };
}
