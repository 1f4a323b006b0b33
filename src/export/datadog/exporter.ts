import { v2 } from '@datadog/datadog-api-client';
import { z } from 'zod';
import { invalidArgument } from '../../errors/errors.js';
import type { ExportContext, ExportOutcome, Exporter } from '../exporter.js';
import { metricSeries } from '../metric-series.js';
import { exportWindowOptions, parseSince, SINCE_HELP } from '../window-options.js';
import { datadogConfiguration } from './client.js';
import { datadogSettings } from './config.js';
import { apiKey, datadogTarget, targetUrl } from './credentials.js';
import {
  EXPORTER_HEARTBEAT,
  EXPORTER_POINTS,
  EXPORTER_RATE_LIMITED,
  SOURCE_FAILING,
  SOURCE_SUCCESS_AGE,
} from './health-metrics.js';
import { datadogTag } from './names.js';
import { batchSeries, datadogSeries, serializePayload, type DatadogSeries } from './series.js';

export const datadogOptions = z
  .object({
    ...exportWindowOptions,
  })
  .strict();

/**
 * Pitwall's own health as series with the run's time (not a day bucket): the heartbeat a
 * "no data in 30 minutes" monitor watches, what the run sent, the 429s it met, and each
 * collector's and listener's age since its last success.
 */
async function healthSeries(
  ctx: ExportContext,
  now: Date,
  run: { points: number; rateLimited: number },
  tags: readonly string[],
): Promise<DatadogSeries[]> {
  const ts = Math.floor(now.getTime() / 1000);
  const mine = [datadogTag('exporter', 'datadog'), ...tags].sort();
  const gauge = (metric: string, value: number, t: string[]): DatadogSeries => ({
    metric,
    type: 3,
    tags: t,
    points: [{ timestamp: ts, value }],
  });
  const out = [
    gauge(EXPORTER_HEARTBEAT, 1, mine),
    gauge(EXPORTER_POINTS, run.points, mine),
    gauge(EXPORTER_RATE_LIMITED, run.rateLimited, mine),
  ];
  const sources = await ctx.store.query<{
    id: string;
    kind: string;
    last_success_at: Date | null;
    last_error_at: Date | null;
  }>('select id, kind, last_success_at, last_error_at from sources order by id');
  for (const s of sources) {
    const t = [datadogTag('source', s.id), datadogTag('source_kind', s.kind), ...tags].sort();
    if (s.last_success_at)
      out.push(
        gauge(
          SOURCE_SUCCESS_AGE,
          Math.max(0, (now.getTime() - new Date(s.last_success_at).getTime()) / 60_000),
          t,
        ),
      );
    const failing =
      !!s.last_error_at && (!s.last_success_at || new Date(s.last_error_at) > new Date(s.last_success_at));
    out.push(gauge(SOURCE_FAILING, failing ? 1 : 0, t));
  }
  return out;
}

/**
 * The registry's metrics as Datadog series (v2 `POST /api/v2/series` through the official
 * client): daily points with deterministic timestamps (src/export/metric-series.ts), so a re-run
 * rewrites the same points; batches within the API's size limits; 429 and 5xx retried by the
 * client. A dry run prints each request body, exactly as the client serializes it, one per line.
 */
export const datadogExporter = {
  id: 'datadog',
  description: 'push the registry metrics to Datadog (metrics API v2)',
  optionsSchema: datadogOptions,
  settings: datadogSettings,
  async run(options, ctx): Promise<ExportOutcome> {
    const cfg = ctx.config.datadog;
    const now = ctx.clock();
    const since = parseSince(options.since, now);
    if (!since || !(since < now))
      throw invalidArgument(`since ${JSON.stringify(options.since)} must be ${SINCE_HELP}, before now`);
    for (const m of options.metrics ?? []) ctx.registry.get(m);
    const target = datadogTarget(cfg, ctx.env);
    // Before any work: a run that cannot authenticate sends nothing.
    const key = ctx.dryRun ? null : apiKey(cfg, ctx.env, ctx.cwd);
    const naming = { prefix: cfg.prefix, tags: cfg.tags };
    const series: DatadogSeries[] = [];
    let withheld = 0;
    let metrics = 0;
    for await (const set of metricSeries(ctx.store, ctx.registry, { metrics: options.metrics, since, now })) {
      metrics++;
      withheld += set.withheld;
      series.push(...datadogSeries(set, naming));
    }
    const points = series.reduce((n, s) => n + s.points.length, 0);
    let requests = 0;
    let rateLimited = 0;
    let serverErrors = 0;
    const send = async (batch: DatadogSeries[]) => {
      if (ctx.dryRun) return ctx.out(serializePayload(batch) + '\n');
      requests++;
      await api.submitMetrics({
        body: Object.assign(new v2.MetricPayload(), { series: batch }),
        contentEncoding: 'gzip',
      });
    };
    // Counted at the fetch, below the client's retries: every 429 and 5xx it met, retried or not.
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.status === 429) rateLimited++;
      else if (res.status >= 500) serverErrors++;
      return res;
    };
    const api = new v2.MetricsApi(datadogConfiguration(cfg, target, { apiKey: key ?? 'dry-run' }, counting));
    for (const batch of batchSeries(series, cfg.max_payload_bytes)) await send(batch);
    for (const batch of batchSeries(
      await healthSeries(ctx, now, { points, rateLimited }, cfg.tags),
      cfg.max_payload_bytes,
    ))
      await send(batch);
    ctx.logger.info(
      { exporter: 'datadog', url: targetUrl(target), points, requests, withheld },
      'datadog export',
    );
    return {
      points,
      requests,
      facts: {
        url: targetUrl(target),
        metrics,
        series: series.length,
        withheld,
        since: new Date(Math.floor(since.getTime() / 86_400_000) * 86_400_000).toISOString(),
        rate_limited: rateLimited,
        server_errors: serverErrors,
      },
    };
  },
} satisfies Exporter<typeof datadogOptions>;
