import { describe, expect, it } from 'vitest';
import { otlpTarget, parseHeaders, shownUrl } from '../../../src/export/otlp/target.js';

describe('where the OTLP exporter sends, and with which headers', () => {
  it('takes --endpoint first, then the signal URL as it is, then the base URL with /v1/metrics', () => {
    const env = {
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'https://metrics.example:4318/custom/path',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://base.example:4318/otlp/',
    };
    expect(otlpTarget('http://flag.example:4318', env).url).toBe('http://flag.example:4318/v1/metrics');
    expect(otlpTarget('http://flag.example/x/v1/metrics', env).url).toBe('http://flag.example/x/v1/metrics');
    expect(otlpTarget(undefined, env).url).toBe('https://metrics.example:4318/custom/path');
    expect(otlpTarget(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: env.OTEL_EXPORTER_OTLP_ENDPOINT }).url).toBe(
      'https://base.example:4318/otlp/v1/metrics',
    );
  });

  it('reads headers as the spec writes them: URL-encoded values, the metrics-specific ones winning', () => {
    const t = otlpTarget('http://c:4318', {
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20general, X-Scope-OrgID=acme',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'Authorization=Bearer%20metrics',
    });
    expect(t.headers).toEqual({ Authorization: 'Bearer metrics', 'X-Scope-OrgID': 'acme' });
    expect(parseHeaders('X', ' , a=b=c ,')).toEqual({ a: 'b=c' });
  });

  it('refuses malformed headers naming the entry, never the value', () => {
    expect(() => parseHeaders('OTEL_EXPORTER_OTLP_HEADERS', 'ok=1,=s3cr3t')).toThrow(
      /entry 2 is not key=value/,
    );
    expect(() => parseHeaders('OTEL_EXPORTER_OTLP_HEADERS', 'ok=1,=s3cr3t')).not.toThrow(/s3cr3t/);
    expect(() => parseHeaders('OTEL_EXPORTER_OTLP_HEADERS', 'Authorization=%E0%A4%A')).toThrow(
      /the value of Authorization is not URL-encoded/,
    );
  });

  it('shows URLs without credentials, query or fragment', () => {
    expect(shownUrl('https://user:pa55@collector.example:4318/v1/metrics?api_key=k#x')).toBe(
      'https://collector.example:4318/v1/metrics',
    );
    expect(shownUrl('::')).toBe('(an unparsable URL)');
  });
});
