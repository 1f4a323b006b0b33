import type { Hono } from 'hono';
import type { AuthOptions } from './auth.js';
import type { AppEnv, ServerContext } from './context.js';

/** Routes for test-environment analytics (GET /api/v1/testenv). */
export function testenvRoutes(_app: Hono<AppEnv>, _ctx: ServerContext, _auth: AuthOptions): void {}
