import type { Hono } from 'hono';
import { z } from 'zod';
import { textProblem } from '../domain/storable.js';
import { instant } from '../domain/time.js';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import {
  annotationRecord,
  impactAnalysis,
  impactMarkdown,
  listAnnotations,
  metricOf,
  parseRange,
} from '../report/impact/index.js';
import { readAccess, requireScope, type AuthOptions } from './auth.js';
import { jsonBody, queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { readerOf } from './reads.js';

const text = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .superRefine((s, c) => {
    const problem = textProblem(s);
    if (problem) c.addIssue({ code: 'custom', message: problem });
  });

const annotationBody = z
  .object({
    title: text,
    at: instant.optional(),
    metric: text.nullish(),
    repo: text.nullish(),
    team: text.nullish(),
    category: text.default('note'),
    id: text.optional(),
  })
  .strict();

const annotationsQuery = z.object({
  metric: text.optional(),
  category: text.optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

const num = z.coerce.number();
/** The impact parameters; any other parameter is a filter on a group-by column (repo=, phase=, ...). */
const impactQuery = z.object({
  metric: text,
  annotation: text.optional(),
  before: text.optional(),
  after: text.optional(),
  days: num.optional(),
  by: text.optional(),
  resamples: num.optional(),
  confidence: num.optional(),
  seed: num.optional(),
  min_sample: num.optional(),
  format: z.enum(['json', 'markdown']).default('json'),
});
const IMPACT_KEYS = new Set(Object.keys(impactQuery.shape));

function filters(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (IMPACT_KEYS.has(k)) continue;
    if (!/^[a-z_]+$/.test(k)) throw invalidArgument(`unknown query parameter "${k}"`, { field: k });
    const problem = textProblem(v);
    if (problem) throw invalidArgument(`query parameter ${k}: ${problem}`, { field: k });
    out[k] = v;
  }
  return out;
}

/** Routes for annotations and impact analysis (/api/v1/annotations, /api/v1/impact). */
export function impactRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);
  const ingestScope = requireScope(ctx, auth, 'ingest');

  app.post('/api/v1/annotations', ingestScope, async (c) => {
    const b = await jsonBody(c, annotationBody);
    if (b.metric) metricOf(ctx.registry, b.metric);
    const record = annotationRecord({
      title: b.title,
      at: b.at ?? ctx.clock(),
      metric: b.metric ?? null,
      repo: b.repo ?? null,
      team: b.team ?? null,
      category: b.category,
      id: b.id,
    });
    await ingest(ctx.store, [record]).catch((e: unknown) => {
      if (e instanceof PitwallError && e.code === 'invalid_records')
        throw invalidArgument(e.message, e.details);
      throw e;
    });
    await ctx.enrich.ensure();
    return c.json({ id: record.id, occurred_at: record.occurred_at }, 201);
  });

  app.get('/api/v1/annotations', read, async (c) => {
    const q = queryOf(c, annotationsQuery);
    if (q.metric) metricOf(ctx.registry, q.metric);
    const annotations = await listAnnotations(readerOf(c, ctx), {
      metric: q.metric ?? null,
      category: q.category ?? null,
      from: q.from ?? null,
      to: q.to ?? null,
      limit: q.limit ?? 50,
    });
    return c.json({ annotations });
  });

  app.get('/api/v1/impact', read, async (c) => {
    const q = queryOf(c, impactQuery);
    const before = q.before === undefined ? null : parseRange('before', q.before);
    const after = q.after === undefined ? null : parseRange('after', q.after);
    // Each window is a read of the server's like any other: held to server.max_window_days.
    const max = ctx.config.server.max_window_days;
    for (const [field, days] of [
      ['days', q.days],
      ['before', before?.days],
      ['after', after?.days],
    ] as const)
      if (days !== undefined && days > max)
        throw invalidArgument(
          `${field}: a window of ${Math.ceil(days)} days is more than server.max_window_days (${max}): ask for a shorter one or raise server.max_window_days`,
          { field, setting: 'server.max_window_days', max_window_days: max },
        );
    const report = await impactAnalysis(readerOf(c, ctx), ctx.registry, ctx.config.costs, {
      metric: q.metric,
      annotation: q.annotation ?? null,
      before,
      after,
      days: q.days,
      by: q.by ?? null,
      where: filters(c.req.query()),
      resamples: q.resamples,
      confidence: q.confidence,
      seed: q.seed,
      minSample: q.min_sample,
      now: ctx.clock(),
    });
    if (q.format === 'markdown')
      return c.text(impactMarkdown(report), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    return c.json(report);
  });
}
