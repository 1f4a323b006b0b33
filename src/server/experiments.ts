import type { Hono } from 'hono';
import { z } from 'zod';
import { textProblem } from '../domain/storable.js';
import { instant } from '../domain/time.js';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import {
  analyzeExperiment,
  designExperiment,
  endExperiment,
  experimentRecord,
  getExperiment,
  listExperiments,
} from '../report/experiments/index.js';
import { readAccess, requireScope, type AuthOptions } from './auth.js';
import { jsonBody, queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { readerOf } from './reads.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .superRefine((s, c) => {
      const problem = textProblem(s);
      if (problem) c.addIssue({ code: 'custom', message: problem });
    });

/** POST /api/v1/experiments: the design (cohort and control are checked by the domain's specs). */
const createBody = z
  .object({
    id: text(100).optional(),
    name: text(200).min(1),
    hypothesis: text(2000).optional(),
    metrics: z.array(text(200).min(1)).min(1, 'name at least one metric'),
    expect: z.record(z.string(), z.number().finite()).optional(),
    cohort: z.unknown(),
    control: z.unknown().optional(),
    start: instant.optional(),
    end: instant.nullish(),
    alpha: z.number().optional(),
    notes: text(4000).optional(),
  })
  .strict();

const endBody = z.object({ at: instant.optional(), note: text(2000).optional() }).strict();
const listQuery = z.object({ results: z.enum(['true', 'false', '1', '0']).optional() }).strict();

/** Routes for experiments (/api/v1/experiments): design, list, results, stop and roll out. */
export function experimentRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);
  const write = requireScope(ctx, auth, 'ingest');
  const write1 = async (record: ReturnType<typeof experimentRecord>) => {
    await ingest(ctx.store, [record]).catch((e: unknown) => {
      if (e instanceof PitwallError && e.code === 'invalid_records')
        throw invalidArgument(e.message, e.details);
      throw e;
    });
    await ctx.enrich.ensure();
  };

  app.post('/api/v1/experiments', write, async (c) => {
    const b = await jsonBody(c, createBody);
    if (b.cohort === undefined)
      throw invalidArgument('cohort: required, e.g. {"type":"share","share":0.3}', { field: 'cohort' });
    const now = ctx.clock();
    const e = await designExperiment(
      ctx.store,
      ctx.registry,
      {
        id: b.id,
        name: b.name,
        hypothesis: b.hypothesis,
        metrics: b.metrics,
        expected: b.expect,
        cohort: b.cohort,
        control: b.control,
        start: b.start ?? now,
        end: b.end ?? null,
        alpha: b.alpha,
        notes: b.notes,
      },
      now,
    );
    await write1(experimentRecord(e));
    return c.json(e, 201);
  });

  app.get('/api/v1/experiments', read, async (c) => {
    const q = queryOf(c, listQuery);
    const reader = readerOf(c, ctx);
    const experiments = await listExperiments(reader);
    if (q.results !== 'true' && q.results !== '1') return c.json({ experiments });
    const now = ctx.clock();
    const results = [];
    for (const e of experiments)
      results.push(await analyzeExperiment(reader, ctx.registry, ctx.config.experiments, e, now));
    return c.json({ experiments, results });
  });

  app.get('/api/v1/experiments/:id', read, async (c) => {
    const reader = readerOf(c, ctx);
    const e = await getExperiment(reader, c.req.param('id'));
    return c.json(await analyzeExperiment(reader, ctx.registry, ctx.config.experiments, e, ctx.clock()));
  });

  for (const [path, action] of [
    ['stop', 'stopped'],
    ['rollout', 'rolled_out'],
  ] as const)
    app.post(`/api/v1/experiments/:id/${path}`, write, async (c) => {
      const b = await jsonBody(c, endBody);
      const e = endExperiment(await getExperiment(ctx.store, c.req.param('id')), action, {
        at: b.at ?? ctx.clock(),
        note: b.note ?? null,
      });
      await write1(experimentRecord(e));
      return c.json(e);
    });
}
