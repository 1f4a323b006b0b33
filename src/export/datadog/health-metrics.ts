/**
 * Pitwall's own health series in Datadog (not registry metrics: they carry the run's time, not
 * a day bucket). Monitors (monitors.ts) watch them; the names are fixed, never prefixed.
 */
/** 1 at every export run, tagged exporter:<id>: "no data in 30 minutes" means exports stopped. */
export const EXPORTER_HEARTBEAT = 'pitwall.exporter.heartbeat';
/** Points the run sent. */
export const EXPORTER_POINTS = 'pitwall.exporter.points';
/** 429 answers the run met (each was retried after the wait Datadog asked for). */
export const EXPORTER_RATE_LIMITED = 'pitwall.exporter.rate_limited';
/** Minutes since a collector's or listener's last success, tagged source:<id>, source_kind:<kind>. */
export const SOURCE_SUCCESS_AGE = 'pitwall.sources.success_age_minutes';
/** 1 when a source's last run failed after its last success. */
export const SOURCE_FAILING = 'pitwall.sources.failing';
