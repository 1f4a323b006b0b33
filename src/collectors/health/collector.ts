import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import type { RecordInput } from '../../domain/records.js';
import type { Collector, CollectContext, CollectBatch, CollectOutcome } from '../collector.js';
import { gauge } from '../gauge.js';
import { healthOptions, type HttpCheck, type PromqlCheck } from './options.js';
import { probe } from './probe.js';
import { instantQuery } from './promql.js';
import { probeState, queryState } from './state.js';

export interface HealthRun {
  http: { check: HttpCheck; ca?: string }[];
  /** The token is resolved from the check's token_env here and lives only in memory. */
  promql: { check: PromqlCheck; token?: string }[];
}

type Point = RecordInput<'metric_point'>;

async function* collectHealth(
  ctx: CollectContext<HealthRun>,
): AsyncGenerator<CollectBatch, CollectOutcome, void> {
  const { http, promql } = ctx.target;
  // One instant for every point of the run, and the evaluation time of every query: the tiles of
  // one refresh read as one moment.
  const now = new Date();
  const at = now.toISOString();
  const point = (name: string, value: number, tags: Record<string, string>): Point =>
    gauge(name, value, at, tags);

  // Probes run at once: a list of checks is short, and one slow service must not delay the rest.
  const results = await Promise.all(http.map((h) => probe(h.check, h.ca, now)));
  const httpPoints: Point[] = [];
  let down = 0;
  results.forEach((r, i) => {
    const check = http[i]!.check;
    const tags = { service: check.service };
    if (!r.up) {
      down++;
      ctx.logger.info({ service: check.service, error: r.error }, 'health check down');
    }
    httpPoints.push(point('health.up', r.up ? 1 : 0, tags));
    if (r.latencyMs !== undefined) httpPoints.push(point('health.latency_ms', r.latencyMs, tags));
    if (r.status !== undefined) httpPoints.push(point('health.status_code', r.status, tags));
    if (r.certDaysLeft !== undefined) httpPoints.push(point('health.cert_days_left', r.certDaysLeft, tags));
    httpPoints.push(point('health.state', probeState(check, r), tags));
  });
  ctx.progress({ unit: 'checks', done: http.length });
  // Yielded before any query runs: an unreachable Prometheus must not cost the HTTP checks.
  if (httpPoints.length) yield { records: httpPoints };

  const answers = await Promise.allSettled(
    promql.map((p) =>
      instantQuery({
        prometheusUrl: p.check.prometheus_url,
        query: p.check.query,
        at: now,
        ...(p.token === undefined ? {} : { token: p.token }),
        ...(p.check.token_env === undefined ? {} : { tokenEnv: p.check.token_env }),
        timeoutMs: p.check.timeout_ms,
      }),
    ),
  );
  const queryPoints: Point[] = [];
  const failures: string[] = [];
  let samples = 0;
  let skipped = 0;
  answers.forEach((a, i) => {
    const check = promql[i]!.check;
    if (a.status === 'rejected') {
      const message = a.reason instanceof Error ? a.reason.message : String(a.reason);
      failures.push(`${check.name}: ${message}`);
      ctx.logger.warn({ check: check.name, service: check.service, error: message }, 'health query failed');
      return;
    }
    if (a.value.length === 0) ctx.logger.info({ check: check.name }, 'health query returned no series');
    for (const s of a.value) {
      // NaN and infinities (a division by zero) are not values a gauge can hold.
      if (!Number.isFinite(s.value)) {
        skipped++;
        continue;
      }
      // The metric name is the check's concern, not a dimension; ours win over same-named labels.
      const { __name__: _name, ...labels } = s.labels;
      const tags = {
        ...labels,
        service: check.service,
        check: check.name,
        ...(check.unit ? { unit: check.unit } : {}),
      };
      queryPoints.push(point('health.query', s.value, tags));
      queryPoints.push(point('health.query_state', queryState(check, s.value), tags));
      samples++;
    }
  });
  ctx.progress({ unit: 'checks', done: http.length + promql.length });
  if (queryPoints.length) yield { records: queryPoints };
  // Thrown last, once everything that answered has been yielded (and so is written): the failure
  // lands in the source's last_error and the checks that did answer are kept.
  if (failures.length)
    throw new PitwallError(
      'collector_failed',
      `${failures.length} of ${promql.length} PromQL checks failed: ${failures.join('; ')}`,
    );
  return {
    cursor: JSON.stringify({ v: 1, at }),
    facts: {
      http_checks: http.length,
      up: http.length - down,
      down,
      queries: promql.length,
      samples,
      skipped,
    },
  };
}

export const healthCollector = {
  id: 'health',
  description:
    'service health: HTTP probes (status, latency, certificate expiry) and PromQL queries against Prometheus, with thresholds',
  configSchema: healthOptions,
  async prepare(o, ctx) {
    const http = o.http.map((check, i) => {
      if (!check.ca_file) return { check };
      const path = resolve(ctx.cwd, check.ca_file);
      let ca: string;
      try {
        ca = readFileSync(path, 'utf8');
      } catch (e) {
        throw invalidArgument(
          `health collector: http.${i}.ca_file: cannot read ${check.ca_file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give the path of a PEM file of the CA to trust`,
          { field: `http.${i}.ca_file` },
        );
      }
      if (!ca.includes('-----BEGIN CERTIFICATE-----'))
        throw invalidArgument(
          `health collector: http.${i}.ca_file: ${check.ca_file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
          { field: `http.${i}.ca_file` },
        );
      return { check, ca };
    });
    const promql = o.promql.map((check, i) => {
      if (!check.token_env) return { check };
      const token = ctx.env[check.token_env]?.trim();
      if (!token)
        throw invalidArgument(
          `health collector: promql.${i}.token_env: ${check.token_env} is not set: export it with the bearer token Prometheus (or the proxy before it) expects, or remove token_env`,
          { field: `promql.${i}.token_env` },
        );
      // eslint-disable-next-line no-control-regex -- a header value cannot hold control characters
      if (/[\u0000-\u001f\u007f]/.test(token))
        throw invalidArgument(
          `health collector: promql.${i}.token_env: ${check.token_env} holds a line break or another control character: export the token alone, on one line`,
          { field: `promql.${i}.token_env` },
        );
      return { check, token };
    });
    return { sourceId: `health:${o.name}`, target: { http, promql } };
  },
  collect: collectHealth,
} satisfies Collector<typeof healthOptions, HealthRun>;
