import type { Hono } from 'hono';
import { z } from 'zod';
import { prepareWrites } from '../ingest/ingest.js';
import { requireScope, type AuthOptions } from './auth.js';
import { jsonBody } from './body.js';
import type { AppEnv, ServerContext } from './context.js';

/** Records are validated one by one by ingest (per-record problems); here only the envelope. */
const batch = z.object({ records: z.array(z.unknown()).max(100_000) }).strict();

/** POST /api/v1/ingest: any record kinds, idempotent by natural key, all or nothing. */
export function ingestRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  app.post('/api/v1/ingest', requireScope(ctx, auth, 'ingest'), async (c) => {
    const { records } = await jsonBody(c, batch);
    const { writes, result } = prepareWrites(records);
    await ctx.writes.write(writes);
    return c.json(result, 200);
  });
}
