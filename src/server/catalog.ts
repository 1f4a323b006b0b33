import type { Hono } from 'hono';
import type { SourceState } from '../collectors/sources.js';
import { readAccess, type AuthOptions } from './auth.js';
import type { AppEnv, ServerContext } from './context.js';
import { readerOf } from './reads.js';

/** Teams, repositories and the health of every source, for pickers and the platform dashboard. */
export function catalogRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);
  app.get('/api/v1/teams', read, async (c) => {
    const teams = await readerOf(c, ctx).query<{ team: string; name: string | null }>(
      'select team, name from teams order by team',
    );
    return c.json({ teams });
  });
  app.get('/api/v1/repos', read, async (c) => {
    const repos = await readerOf(c, ctx).query<{ repo: string; team: string | null }>(
      'select repo, team from repos order by repo',
    );
    return c.json({ repos });
  });
  app.get('/api/v1/sources', read, async (c) => {
    const rows = await readerOf(c, ctx).query<Omit<SourceState, 'cursor'>>(
      'select id, kind, last_run_at, last_success_at, last_error, last_error_at, records from sources order by kind, id',
    );
    return c.json({ sources: rows.map((r) => ({ ...r, records: Number(r.records) })) });
  });
}
