import type { Hono } from 'hono';
import { z } from 'zod';
import { deploymentStatus } from '../domain/kinds/delivery.js';
import { textProblem } from '../domain/storable.js';
import { instant } from '../domain/time.js';
import { invalidArgument } from '../errors/errors.js';
import { openIncident, recordDeployment, resolveIncident } from '../ingest/delivery.js';
import { requireScope, type AuthOptions } from './auth.js';
import { jsonBody } from './body.js';
import type { AppEnv, ServerContext } from './context.js';

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
    const id = await recordDeployment(ctx.store, {
      service: b.service,
      environment: b.environment,
      sha: b.sha,
      at,
      startedAt,
      status: b.status,
      repo: b.repo ?? null,
      id: b.id,
      source: 'api',
    });
    await ctx.enrich.ensure();
    return c.json({ id }, 201);
  });

  app.post('/api/v1/incidents', ingestScope, async (c) => {
    const b = await jsonBody(c, incidentBody);
    const at = b.at ?? ctx.clock();
    const id = await openIncident(ctx.store, {
      service: b.service,
      at,
      severity: b.severity ?? null,
      title: b.title,
      deployment: b.deployment ?? null,
      id: b.id,
      source: 'api',
    });
    await ctx.enrich.ensure();
    return c.json({ id }, 201);
  });

  app.post('/api/v1/incidents/:id/resolve', ingestScope, async (c) => {
    const id = c.req.param('id');
    const idProblem = textProblem(id);
    if (idProblem) throw invalidArgument(`incident id ${idProblem}`, { field: 'id' });
    const b = await jsonBody(c, resolveBody);
    const at = b.at ?? ctx.clock();
    await resolveIncident(ctx.store, id, at);
    await ctx.enrich.ensure();
    return c.json({ id, resolved_at: at }, 200);
  });
}
