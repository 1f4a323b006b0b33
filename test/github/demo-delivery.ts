import type { DemoBuild, DeploymentRecord, IncidentRecord } from './demo-common.js';
import type { DeploymentModel, RestIssue } from './model.js';

/** GitHub's deployment status states; the demo's "cancelled" has no twin, "error" is the nearest. */
const STATE = {
  success: 'success',
  failure: 'failure',
  in_progress: 'in_progress',
  cancelled: 'error',
} as const;

/** A deployment with the statuses a deploy tool posts: in_progress at start, the outcome at the end. */
export function buildDeployment(
  b: DemoBuild,
  repo: string,
  d: DeploymentRecord,
  deploymentIds: Map<number, string>,
): DeploymentModel {
  const id = b.next('deployment', 40_000_000);
  deploymentIds.set(id, d.id);
  const creator = b.user('github-actions[bot]');
  const base = `${b.apiUrl}/repos/${repo}/deployments/${id}`;
  const started = b.time(d.started_at);
  const status = (state: string, at: string) => {
    const sid = b.next('deployment_status', 45_000_000);
    return {
      url: `${base}/statuses/${sid}`,
      id: sid,
      state,
      environment: d.environment,
      description: `${state} ${d.environment}`,
      creator,
      created_at: at,
      updated_at: at,
      deployment_url: base,
    };
  };
  const statuses = [status('in_progress', started)];
  const final = d.status ?? 'success';
  if (d.finished_at && final !== 'in_progress') statuses.push(status(STATE[final], b.time(d.finished_at)));
  return {
    rest: {
      url: base,
      id,
      node_id: `DE_${id}`,
      sha: d.sha,
      ref: 'main',
      task: 'deploy',
      payload: {},
      original_environment: d.environment,
      environment: d.environment,
      description: null,
      creator,
      created_at: started,
      updated_at: b.time(d.finished_at ?? d.started_at),
      statuses_url: `${base}/statuses`,
      production_environment: d.environment === 'production',
      transient_environment: false,
    },
    statuses: statuses.reverse(),
  };
}

/**
 * An incident as a GitHub issue labelled `incident` plus its severity. Issue numbers start at
 * 100001 so they never collide with the repo's pull request numbers (which share the sequence
 * on GitHub); the body names the deployment's numeric GitHub id.
 */
export function buildIncidentIssue(
  b: DemoBuild,
  repo: string,
  inc: IncidentRecord,
  deploymentIdOf: (demoId: string) => number | undefined,
): RestIssue {
  const number = b.next(`issue:${repo}`, 100_000);
  const caused = inc.caused_by_deployment ? deploymentIdOf(inc.caused_by_deployment) : undefined;
  const resolved = b.time(inc.resolved_at ?? null);
  return {
    url: `${b.apiUrl}/repos/${repo}/issues/${number}`,
    id: b.next('issue', 50_000_000),
    node_id: `I_${repo}#${number}`,
    number,
    title: inc.title ?? '',
    user: b.user('pagerduty[bot]'),
    labels: ['incident', inc.severity].filter((x): x is string => !!x).map((name) => ({ name })),
    state: resolved ? 'closed' : 'open',
    state_reason: resolved ? 'completed' : null,
    locked: false,
    comments: 0,
    created_at: b.time(inc.opened_at),
    updated_at: resolved ?? b.time(inc.opened_at),
    closed_at: resolved,
    body: caused === undefined ? null : `Caused by deployment ${caused}.`,
  };
}
