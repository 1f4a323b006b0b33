import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { deploymentStatus } from '../domain/kinds/delivery.js';
import { instant } from '../domain/time.js';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import { requireScope, type AuthOptions } from './auth.js';
import { jsonBody } from './body.js';
import type { AppEnv, ServerContext } from './context.js';

/** Same derivation as `pitwall record`: a CD tool that retries the call records nothing twice. */
const shortId = (...parts: string[]) =>
  createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 12);

const deploymentBody = z
  .object({
    service: z.string().trim().min(1),
    environment: z.string().trim().min(1),
    sha: z.string().trim().min(1),
    /** When it finished (or now). */
    at: instant.optional(),
    started_at: instant.optional(),
    status: deploymentStatus.default('success'),
    repo: z.string().trim().min(1).nullish(),
    id: z.string().trim().min(1).optional(),
  })
  .strict();

const incidentBody = z
  .object({
    service: z.string().trim().min(1),
    at: instant.optional(),
    severity: z.string().trim().min(1).nullish(),
    title: z.string().default(''),
    deployment: z.string().trim().min(1).nullish(),
    id: z.string().trim().min(1).optional(),
  })
  .strict();

const resolveBody = z.object({ at: instant.optional() }).strict();

/** Deployments and incidents for CD tools and incident bots (scope ingest). */
export function deliveryRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const ingestScope = requireScope(ctx, auth, 'ingest');

  app.post('/api/v1/deployments', ingestScope, async (c) => {
    const b = await jsonBody(c, deploymentBody);
    const at = b.at ?? ctx.clock();
    const startedAt = b.started_at ?? at;
    if (startedAt > at) throw invalidArgument('started_at must not be after at', { field: 'started_at' });
    const id = b.id ?? `api-${shortId(b.service, b.environment, b.sha, at.toISOString())}`;
    await ingest(ctx.store, [
      {
        kind: 'deployment',
        id,
        service: b.service,
        environment: b.environment,
        repo: b.repo ?? null,
        sha: b.sha,
        started_at: startedAt,
        finished_at: b.status === 'in_progress' ? null : at,
        status: b.status,
        source: 'api',
      },
    ]);
    ctx.enrich.request();
    return c.json({ id }, 201);
  });

  app.post('/api/v1/incidents', ingestScope, async (c) => {
    const b = await jsonBody(c, incidentBody);
    const at = b.at ?? ctx.clock();
    if (b.deployment) {
      const found = await ctx.store.query('select id from deployments where id = $1', [b.deployment]);
      if (!found.length)
        throw invalidArgument(`no deployment with id ${b.deployment}`, { field: 'deployment' });
    }
    const id = b.id ?? `inc-${shortId(b.service, at.toISOString(), b.title)}`;
    await ingest(ctx.store, [
      {
        kind: 'incident',
        id,
        service: b.service,
        severity: b.severity ?? null,
        title: b.title,
        opened_at: at,
        resolved_at: null,
        caused_by_deployment: b.deployment ?? null,
        source: 'api',
      },
    ]);
    ctx.enrich.request();
    return c.json({ id }, 201);
  });

  app.post('/api/v1/incidents/:id/resolve', ingestScope, async (c) => {
    const id = c.req.param('id');
    const b = await jsonBody(c, resolveBody);
    const at = b.at ?? ctx.clock();
    const [row] = await ctx.store.query<Record<string, unknown> & { opened_at: Date }>(
      'select * from incidents where id = $1',
      [id],
    );
    if (!row) throw new PitwallError('not_found', `no incident with id ${id}`);
    if (at < row.opened_at)
      throw invalidArgument(
        `at ${at.toISOString()} is before the incident opened (${row.opened_at.toISOString()})`,
        {
          field: 'at',
        },
      );
    await ingest(ctx.store, [{ ...row, kind: 'incident', resolved_at: at }]);
    ctx.enrich.request();
    return c.json({ id, resolved_at: at }, 200);
  });
}
