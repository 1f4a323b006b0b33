import type { RecordInput } from '../../domain/records.js';
import { conclusionOf } from './normalize.js';
import type {
  RestDeployment,
  RestDeploymentStatus,
  RestIssue,
  RestJob,
  RestRelease,
  RestRun,
} from './rest-schemas.js';

type Deployment = RecordInput<'deployment'>;

/** A repository deploys the service named like it ("acme/payments-api" → "payments-api"). */
export const serviceOf = (repo: string) => repo.slice(repo.indexOf('/') + 1);

const FINAL = new Set(['success', 'failure', 'error', 'inactive']);
export const isFinalStatus = (s: RestDeploymentStatus | undefined) => !!s && FINAL.has(s.state.toLowerCase());

/**
 * A Deployments API deployment and its statuses (any order). `inactive` means a newer deployment
 * replaced a successful one, so it stays a success; `error` is a failure to deploy.
 */
export function mapDeployment(
  repo: string,
  d: RestDeployment,
  statuses: readonly RestDeploymentStatus[],
): Deployment {
  const byTime = [...statuses].sort(
    (a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id,
  );
  const final =
    byTime.find((s) => FINAL.has(s.state.toLowerCase()) && s.state.toLowerCase() !== 'inactive') ??
    byTime.find((s) => s.state.toLowerCase() === 'inactive');
  const state = final?.state.toLowerCase();
  return {
    kind: 'deployment',
    id: `github:${repo}:deployment:${d.id}`,
    service: serviceOf(repo),
    environment: d.environment,
    repo,
    sha: d.sha,
    started_at: d.created_at,
    finished_at: final?.created_at ?? null,
    status: !final ? 'in_progress' : state === 'failure' || state === 'error' ? 'failure' : 'success',
    source: 'github-deployments',
  };
}

function fromConclusion(raw: string | null | undefined): Deployment['status'] | null {
  const c = conclusionOf(raw);
  if (c === 'skipped' || c === 'neutral') return null;
  if (c === null) return 'in_progress';
  return c === 'success' ? 'success' : c === 'cancelled' ? 'cancelled' : 'failure';
}

/**
 * Teams without the Deployments API deploy from a workflow: a run whose workflow name matches
 * the deploy pattern is one deployment; otherwise each matching job of its latest attempt is.
 */
export function deploymentFromRun(
  ctx: { repo: string; settings: { deployWorkflowEnvironment: string } },
  run: RestRun,
  jobs: readonly RestJob[],
  isDeploy: (name: string) => boolean,
): Deployment[] {
  const base = {
    kind: 'deployment' as const,
    service: serviceOf(ctx.repo),
    environment: ctx.settings.deployWorkflowEnvironment,
    repo: ctx.repo,
  };
  if (!run.head_sha) return [];
  if (isDeploy(run.name ?? '')) {
    const status = fromConclusion(run.conclusion);
    if (!status) return [];
    return [
      {
        ...base,
        id: `github:${ctx.repo}:run:${run.id}`,
        sha: run.head_sha,
        started_at: run.run_started_at ?? run.created_at,
        finished_at: status === 'in_progress' ? null : (run.updated_at ?? null),
        status,
        source: 'github-actions',
      },
    ];
  }
  const latest = run.run_attempt ?? 1;
  const out: Deployment[] = [];
  for (const j of jobs) {
    if ((j.run_attempt ?? 1) !== latest || !isDeploy(j.name) || !j.started_at) continue;
    const status = fromConclusion(j.conclusion);
    if (!status) continue;
    out.push({
      ...base,
      id: `github:${ctx.repo}:job:${j.id}`,
      sha: run.head_sha,
      started_at: j.started_at,
      finished_at: status === 'in_progress' ? null : (j.completed_at ?? null),
      status,
      source: 'github-actions',
    });
  }
  return out;
}

/** Opt-in: a published release is a production deployment of the commit its tag points at. */
export function deploymentFromRelease(
  repo: string,
  r: RestRelease,
  sha: string,
  environment: string,
): Deployment {
  const at = r.published_at ?? r.created_at;
  return {
    kind: 'deployment',
    id: `github:${repo}:release:${r.id}`,
    service: serviceOf(repo),
    environment,
    repo,
    sha,
    started_at: at,
    finished_at: at,
    status: 'success',
    source: 'github-releases',
  };
}

const labelNames = (i: RestIssue) => i.labels.map((l) => (typeof l === 'string' ? l : l.name));

/** An issue carrying an incident label; severity from a "sev1" / "severity: high" style label. */
export function mapIncident(repo: string, i: RestIssue): RecordInput<'incident'> {
  // "sev2" is kept as written (how teams name severities); "severity: high" gives "high".
  const sev = labelNames(i)
    .map((l) => l.trim())
    .map((l) => (/^sev\d+$/i.test(l) ? l : /^severity[\s:/_-]+(\S.*)$/i.exec(l)?.[1]))
    .find((s) => s !== undefined);
  return {
    kind: 'incident',
    id: `github:${repo}#${i.number}`,
    service: serviceOf(repo),
    severity: sev ? sev.toLowerCase() : null,
    title: i.title,
    opened_at: i.created_at,
    resolved_at: i.state.toLowerCase() === 'closed' ? (i.closed_at ?? null) : null,
    caused_by_deployment: null,
    source: 'github-issues',
  };
}

export const hasAnyLabel = (i: RestIssue, labels: readonly string[]) => {
  const wanted = new Set(labels.map((l) => l.toLowerCase()));
  return labelNames(i).some((l) => wanted.has(l.toLowerCase()));
};
