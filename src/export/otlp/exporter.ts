import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { invalidArgument, PitwallError } from '../../errors/errors.js';
import { parseInstant } from '../../domain/time.js';
import type { ExportOutcome, Exporter } from '../exporter.js';
import { dayStart, metricSeries, type MetricSeriesSet } from '../metric-series.js';
import { otlpJson } from './json.js';
import { pointsOf, resourceMetrics, type Point } from './metric-data.js';
import { parseSince, SINCE_HELP } from '../window-options.js';
import { otlpOptions } from './options.js';
import { otlpTarget, shownUrl } from './target.js';

/** The SDK's export result: code 0 is success. */
interface ExportResult {
  code: number;
  error?: Error & { code?: number };
}

/** HTTP answers the user fixes (credentials, URL, content type), not a failed run to retry. */
const USER_FIXABLE = new Set([401, 403, 404, 405, 415]);

/**
 * The registry's metrics to an OTLP/HTTP endpoint (protobuf) through the OpenTelemetry JS SDK's
 * exporter: a collector, Grafana Alloy, Honeycomb, New Relic, or Pitwall's own /v1/metrics.
 * Values are metric-series.ts's daily points, only whole UTC days (before `until`, default
 * now), each a gauge data point stamped with its day: the SDK's ResourceMetrics is built
 * directly and handed to the exporter's `export()`, since a meter would stamp the collection
 * time on every value. A re-run over the same days sends the same points with the same
 * timestamps (docs/otlp-export.md).
 */
export const otlpExporter = {
  id: 'otlp',
  description: 'push the registry metrics to an OTLP/HTTP endpoint (OpenTelemetry)',
  optionsSchema: otlpOptions,
  async run(options, ctx): Promise<ExportOutcome> {
    const now = ctx.clock();
    const until = options.until ? parseInstant(options.until)! : now;
    const since = parseSince(options.since, now);
    if (!since) throw invalidArgument(`since ${JSON.stringify(options.since)}: expected ${SINCE_HELP}`);
    const end = dayStart(until);
    if (!(dayStart(since) < end))
      throw invalidArgument(
        `since ${JSON.stringify(options.since)} leaves no whole UTC day before ${end.toISOString()}: only complete days are sent`,
      );
    for (const m of options.metrics ?? []) ctx.registry.get(m);
    // Before any work: a run without a usable endpoint sends nothing. A dry run needs none,
    // but one given must still be valid.
    const target =
      ctx.dryRun && !hasEndpoint(options.endpoint, ctx.env) ? null : otlpTarget(options.endpoint, ctx.env);
    const resource = resourceFromAttributes({
      'service.name': ctx.env.OTEL_SERVICE_NAME?.trim() || 'pitwall',
    });
    const scope = { name: 'pitwall' };

    const sets = new Map<string, MetricSeriesSet>();
    const points: Point[] = [];
    let withheld = 0;
    for await (const set of metricSeries(ctx.store, ctx.registry, {
      metrics: options.metrics,
      since,
      now: end,
    })) {
      sets.set(set.definition.name, set);
      withheld += set.withheld;
      points.push(...pointsOf(set));
    }

    const batches: Point[][] = [];
    for (let i = 0; i < points.length; i += options.batch_points)
      batches.push(points.slice(i, i + options.batch_points));
    const facts = {
      endpoint: target ? shownUrl(target.url) : '(none: dry run)',
      metrics: sets.size,
      withheld,
      from: dayStart(since).toISOString(),
      to: end.toISOString(),
    };
    if (ctx.dryRun || !target) {
      for (const b of batches) ctx.out(`${otlpJson(resourceMetrics(resource, sets, b, scope))}\n`);
      return { points: points.length, requests: 0, facts };
    }

    const exporter = new OTLPMetricExporter({
      url: target.url,
      headers: target.headers,
      timeoutMillis: options.timeout_ms,
      compression: 'gzip' as never,
    });
    let requests = 0;
    try {
      for (const b of batches) {
        requests++;
        const r = await new Promise<ExportResult>((resolve) =>
          exporter.export(resourceMetrics(resource, sets, b, scope), resolve),
        );
        if (r.code !== 0) throw failure(target.url, r.error, requests - 1, batches.length);
      }
    } finally {
      await exporter.shutdown().catch(() => undefined);
    }
    ctx.logger.info({ ...facts, points: points.length, requests }, 'OTLP export sent');
    return { points: points.length, requests, facts };
  },
} satisfies Exporter<typeof otlpOptions>;

/** The receiver's own words (a google.rpc.Status message), short; it never holds our headers. */
function reason(e: ExportResult['error']): string {
  const data = (e as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'string' || !data.trim()) return '';
  let text = data;
  try {
    text = String((JSON.parse(data) as { message?: unknown }).message ?? data);
  } catch {
    // not JSON (a protobuf Status or plain text): shown as it is, if printable
  }
  return /^[\x20-\x7e]+$/.test(text) ? ` (${text.slice(0, 300)})` : '';
}

const hasEndpoint = (endpoint: string | undefined, env: Readonly<Record<string, string | undefined>>) =>
  !!(endpoint || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());

/**
 * A failed request as an error naming the endpoint (without credentials) and the answer; the
 * SDK's message holds the status and the receiver's reason, never the request's headers.
 */
function failure(url: string, e: ExportResult['error'], sent: number, total: number): PitwallError {
  const where = shownUrl(url);
  const done = sent ? ` (${sent} of ${total} requests had been accepted)` : '';
  const status = e?.code;
  const cause =
    (e as { cause?: { code?: string } } | undefined)?.cause?.code ?? (e as { code?: unknown })?.code;
  if (typeof status === 'number' && USER_FIXABLE.has(status))
    return new PitwallError(
      'invalid_config',
      `the OTLP endpoint ${where} refused the metrics with HTTP ${status}${
        status === 401 || status === 403
          ? ': check the credentials in OTEL_EXPORTER_OTLP_HEADERS'
          : ': check --endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT)'
      }${done}`,
      { status },
    );
  if (cause === 'ECONNREFUSED' || cause === 'ENOTFOUND' || cause === 'EAI_AGAIN')
    return new PitwallError(
      'invalid_config',
      `nothing answers at the OTLP endpoint ${where} (${cause}): check --endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT)${done}`,
    );
  return new PitwallError(
    'collector_failed',
    `the OTLP export to ${where} failed: ${e?.message ?? 'unknown error'}${reason(e)}${done}`,
    typeof status === 'number' ? { status } : undefined,
  );
}
