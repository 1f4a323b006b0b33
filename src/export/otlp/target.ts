import { invalidArgument } from '../../errors/errors.js';

export interface OtlpTarget {
  /** The metrics URL requests go to. */
  url: string;
  /** Headers from the environment (secrets: never logged, printed or put in an error). */
  headers: Record<string, string>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The URL without credentials, query or fragment: what messages may show. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * OTEL_EXPORTER_OTLP_HEADERS as the spec writes it: `key=value` pairs separated by commas,
 * values URL-encoded (`Authorization=Bearer%20abc`). A malformed pair is refused naming its key
 * or position, never its value.
 */
export function parseHeaders(name: string, raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw?.trim()) return out;
  raw.split(',').forEach((pair, i) => {
    if (!pair.trim()) return;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key))
      throw invalidArgument(
        `${name}: entry ${i + 1} is not key=value with a header name as key; write e.g. ${name}="Authorization=Bearer%20<token>"`,
      );
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw invalidArgument(`${name}: the value of ${key} is not URL-encoded (write a space as %20)`);
    }
    out[key] = value;
  });
  return out;
}

/**
 * Where the metrics go: `--endpoint` (or the job's `endpoint:`), else the environment as the
 * OpenTelemetry SDKs read it (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is the full URL,
 * OTEL_EXPORTER_OTLP_ENDPOINT the base that gets `/v1/metrics`). A base given as option gets the
 * path too unless it already ends in /v1/metrics.
 */
export function otlpTarget(endpoint: string | undefined, env: Env): OtlpTarget {
  const signal = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const [raw, from, full] = endpoint
    ? [endpoint, '--endpoint', /\/v1\/metrics\/?$/.test(endpoint)]
    : signal
      ? [signal, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', true]
      : base
        ? [base, 'OTEL_EXPORTER_OTLP_ENDPOINT', false]
        : [null, '', false];
  if (!raw)
    throw invalidArgument(
      'no OTLP endpoint: pass --endpoint http://collector:4318 (or set OTEL_EXPORTER_OTLP_ENDPOINT)',
    );
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalidArgument(`${from} is not a URL: give e.g. http://collector:4318`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw invalidArgument(`${from} must be an http:// or https:// URL (OTLP/HTTP), not ${u.protocol}`);
  if (!full) u.pathname = `${u.pathname.replace(/\/+$/, '')}/v1/metrics`;
  const headers = {
    ...parseHeaders('OTEL_EXPORTER_OTLP_HEADERS', env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseHeaders('OTEL_EXPORTER_OTLP_METRICS_HEADERS', env.OTEL_EXPORTER_OTLP_METRICS_HEADERS),
  };
  return { url: u.toString(), headers };
}
