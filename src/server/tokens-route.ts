import type { Hono } from 'hono';
import { z } from 'zod';
import { textProblem } from '../domain/storable.js';
import { requireScope, type AuthOptions } from './auth.js';
import { jsonBody } from './body.js';
import type { AppEnv, ServerContext } from './context.js';

const body = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine((n) => !textProblem(n), 'holds a NUL character or a lone surrogate: send valid Unicode text'),
    scopes: z.array(z.enum(['ingest', 'read', 'admin'])).min(1),
  })
  .strict();

/**
 * POST /api/v1/tokens (admin): the raw token is in this response and nowhere else, ever.
 * DELETE /api/v1/tokens/:id (admin): revokes it; refused from the next request on, everywhere.
 */
export function tokenRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  app.post('/api/v1/tokens', requireScope(ctx, auth, 'admin'), async (c) => {
    const b = await jsonBody(c, body);
    const created = await ctx.tokens.create(b.name, b.scopes);
    ctx.logger.info({ tokenId: created.id, name: b.name, scopes: b.scopes }, 'token created');
    return c.json({ id: created.id, token: created.token, scopes: b.scopes }, 201);
  });
  app.delete('/api/v1/tokens/:id', requireScope(ctx, auth, 'admin'), async (c) => {
    const id = c.req.param('id');
    await ctx.tokens.revoke(id);
    ctx.logger.info({ tokenId: id }, 'token revoked');
    return c.json({ id, revoked: true });
  });
}
