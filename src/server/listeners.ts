import type { Hono } from 'hono';
import type { AuthOptions } from './auth.js';
import type { AppEnv, ServerContext } from './context.js';

/** Routes for listener health (GET /api/v1/listeners). */
export function listenerRoutes(_app: Hono<AppEnv>, _ctx: ServerContext, _auth: AuthOptions): void {}
