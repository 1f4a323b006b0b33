/** A production deployment as the outcome rules see it. */
export interface Deploy {
  id: string;
  service: string;
  environment: string;
  sha: string;
  status: string;
  started: Date;
  /** When it finished (or started, if it never finished). */
  at: Date;
}

/**
 * Failed attempts that never reached users: a failed deployment followed, within `windowMs` of
 * its end, by a successful deployment of the same sha to the same service and environment (a
 * retry of a flaky step, a timed-out health check). Maps each such attempt to the deployment
 * that retried it. An attempt an incident names did reach users, so it is never forgiven.
 */
export function retriedAttempts(
  deploys: readonly Deploy[],
  windowMs: number,
  namedByIncident: ReadonlySet<string>,
): Map<string, string> {
  const out = new Map<string, string>();
  if (windowMs <= 0) return out;
  const successes = new Map<string, Deploy[]>();
  for (const d of deploys)
    if (d.status === 'success') {
      const k = `${d.service}\u0000${d.environment}\u0000${d.sha}`;
      successes.set(k, [...(successes.get(k) ?? []), d]);
    }
  for (const d of deploys) {
    if (d.status !== 'failure' || namedByIncident.has(d.id)) continue;
    const retry = (successes.get(`${d.service}\u0000${d.environment}\u0000${d.sha}`) ?? []).find(
      (s) => s.started.getTime() >= d.started.getTime() && s.started.getTime() - d.at.getTime() <= windowMs,
    );
    if (retry) out.set(d.id, retry.id);
  }
  return out;
}
