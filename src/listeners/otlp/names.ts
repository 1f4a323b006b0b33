/**
 * An OpenTelemetry metric name as a Pitwall metric name (lowercase, dotted, `[a-z0-9_]` between
 * dots, at least two parts). camelCase splits into snake_case (`http.serverDuration` ->
 * `http.server_duration`), any other character (`-`, `/`, space) becomes `_`, empty parts go,
 * and a single-part name gets the `otel.` prefix (`requests` -> `otel.requests`). Null when
 * nothing is left.
 */
export function metricName(raw: string): string | null {
  const parts = raw
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('.')
    .map((p) => p.replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, ''))
    .filter(Boolean);
  if (!parts.length) return null;
  return (parts.length === 1 ? ['otel', ...parts] : parts).join('.');
}
