import type { HttpCheck, PromqlCheck } from './options.js';

/** 0 ok, 1 warn, 2 critical: the `health.state` and `health.query_state` values. */
export type State = 0 | 1 | 2;

export interface ProbeResult {
  up: boolean;
  /** Absent when no answer came (refused, timed out, TLS failed). */
  status?: number;
  latencyMs?: number;
  /** https only, from the leaf certificate's notAfter; negative once expired. */
  certDaysLeft?: number;
  /** Why the probe is down, for the log. */
  error?: string;
}

/** Whether a status meets the check's expectation (exact codes or classes such as "2xx"). */
export function statusMatches(status: number, expect: readonly (number | string)[]): boolean {
  return expect.some((e) =>
    typeof e === 'number' ? e === status : Math.floor(status / 100) === Number(e[0]),
  );
}

/**
 * Down, slower than crit_ms or an expired certificate is critical; slower than warn_ms or a
 * certificate within cert_warn_days of expiry is warn.
 */
export function probeState(check: HttpCheck, r: ProbeResult): State {
  if (!r.up) return 2;
  const latency = r.latencyMs ?? 0;
  const cert = r.certDaysLeft;
  if ((check.crit_ms !== undefined && latency >= check.crit_ms) || (cert !== undefined && cert <= 0))
    return 2;
  if (
    (check.warn_ms !== undefined && latency >= check.warn_ms) ||
    (cert !== undefined && cert < check.cert_warn_days)
  )
    return 1;
  return 0;
}

/** A query value against its thresholds, in the check's direction; no thresholds: always ok. */
export function queryState(check: PromqlCheck, value: number): State {
  const bad = (t: number | undefined) =>
    t !== undefined && (check.direction === 'above' ? value >= t : value <= t);
  if (bad(check.crit)) return 2;
  if (bad(check.warn)) return 1;
  return 0;
}
