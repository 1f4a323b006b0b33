/**
 * What metrics leave out on purpose (issue 8), in one place so every definition states the same
 * rule and explain counts it under the same name.
 *
 * Durations whose end comes before their start (a review of a draft before the PR was marked
 * ready, an approval after an admin merge, a commit dated after the deployment that shipped it)
 * are left out of medians and percentiles, never clamped: a clamped zero would claim an
 * instant review or merge that did not happen and pull the median down, unseen.
 */
export const countedDuration = (v: string) => `${v} >= 0`;
export const negativeDuration = (v: string) => `${v} < 0`;

export const RULES = {
  negative: (what: string) => `${what} ends before it starts (events out of order, or a wrong clock)`,
  baseline: (hours?: number) =>
    `shipped by its stream's first deployment (a service's first to an environment) and older than dora.first_deployment_credit_hours${hours === undefined ? '' : ` (${hours} h)`}: history from before Pitwall saw the stream`,
  retried: (minutes: number) =>
    `a failed attempt whose sha the same service and environment deployed successfully within dora.retry_window_minutes (${minutes} min): it never reached users`,
};
