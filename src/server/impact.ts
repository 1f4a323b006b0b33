import type { Hono } from 'hono';
import type { AuthOptions } from './auth.js';
import type { AppEnv, ServerContext } from './context.js';

/** Routes for annotations and impact analysis (/api/v1/annotations, /api/v1/impact). */
export function impactRoutes(_app: Hono<AppEnv>, _ctx: ServerContext, _auth: AuthOptions): void {}
