import type { Hono } from 'hono';
import type { AuthOptions } from './auth.js';
import type { AppEnv, ServerContext } from './context.js';

/** Routes for the OTLP/HTTP receiver (/v1/traces, /v1/metrics). */
export function otlpRoutes(_app: Hono<AppEnv>, _ctx: ServerContext, _auth: AuthOptions): void {}
