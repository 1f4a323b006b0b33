import type { RecordInput } from '../../domain/records.js';

/** Which builds are deployments: a stage (pipelines) or a job (freestyle) whose name matches. */
export interface DeployRule {
  pattern: RegExp;
  /** Only builds of a matching branch deploy; null: any branch. */
  branch: RegExp | null;
  environment: string;
  /** The Pitwall service; null: the workflow's last name (the multibranch project or the job). */
  service: string | null;
}

const STATUS = {
  success: 'success',
  failure: 'failure',
  timed_out: 'failure',
  cancelled: 'cancelled',
} as const;

/**
 * The deployment a build made, if its deploy stage ran (or, with no stages, its job matches the
 * pattern). A build without a revision is no deployment: DORA ties each deployment to a commit.
 */
export function deploymentOf(
  rule: DeployRule,
  run: RecordInput<'pipeline_run'>,
  jobs: RecordInput<'pipeline_job'>[],
  hasStages: boolean,
): RecordInput<'deployment'> | null {
  if (!run.sha) return null;
  if (rule.branch && !rule.branch.test(run.branch ?? '')) return null;
  const stage = hasStages ? jobs.find((j) => rule.pattern.test(j.name)) : undefined;
  if (hasStages && !stage) return null;
  if (!hasStages && !rule.pattern.test(run.workflow)) return null;
  const conclusion = stage ? stage.conclusion : run.conclusion;
  const status = conclusion
    ? (STATUS as Record<string, RecordInput<'deployment'>['status']>)[conclusion]
    : run.status === 'in_progress'
      ? 'in_progress'
      : undefined;
  // A skipped deploy stage deployed nothing.
  if (!status) return null;
  const started = (stage ? stage.started_at : run.started_at) ?? run.started_at!;
  const finished = stage ? stage.completed_at : run.completed_at;
  return {
    kind: 'deployment',
    id: `jenkins:${run.run_id}`,
    service: rule.service ?? run.workflow.split('/').pop()!,
    environment: rule.environment,
    repo: run.repo,
    sha: run.sha,
    started_at: started,
    finished_at: finished ?? null,
    status,
    source: 'jenkins',
    source_updated_at: finished ?? started,
  };
}
