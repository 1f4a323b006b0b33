import type { MiddlewareHandler } from 'hono';
import { PitwallError } from '../errors/errors.js';
import type { AppEnv, Scope, ServerContext } from './context.js';
import { hasScope } from './tokens.js';

export interface AuthOptions {
  /** Reads need no token: set on purpose (`server.anonymous_read`, `--anonymous-read`). */
  anonymousRead: boolean;
}

/**
 * Bearer-token auth for one scope. Missing or unknown token: 401; a valid token without the
 * scope: 403. Anonymous readers get the read scope only, and only when reads were opened; a
 * token adds its scopes to what anonymous callers have, never takes from it (an ingest token
 * reads where anyone may).
 */
export function requireScope(ctx: ServerContext, opts: AuthOptions, scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      if (scope === 'read' && opts.anonymousRead) {
        c.set('principal', { tokenId: null, scopes: ['read'] });
        return next();
      }
      throw new PitwallError(
        'unauthorized',
        `this endpoint needs a token with the ${scope} scope: send "Authorization: Bearer <token>" (create one with: pitwall token create --scope ${scope})`,
      );
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const verified = m ? await ctx.tokens.verify(m[1]!) : null;
    if (!verified) throw new PitwallError('unauthorized', 'the bearer token is unknown or revoked');
    const principal =
      opts.anonymousRead && !hasScope(verified, 'read')
        ? { ...verified, scopes: [...verified.scopes, 'read' as const] }
        : verified;
    if (!hasScope(principal, scope))
      throw new PitwallError(
        'forbidden',
        `this token lacks the ${scope} scope (it has: ${principal.scopes.join(', ')})`,
        {
          needed: scope,
        },
      );
    c.set('principal', principal);
    return next();
  };
}

/** The read scope, then the shared read cache: a cached answer is only ever given after auth. */
export function readAccess(ctx: ServerContext, opts: AuthOptions): MiddlewareHandler<AppEnv> {
  const auth = requireScope(ctx, opts, 'read');
  const cache = ctx.readCache.middleware();
  return (c, next) =>
    auth(c, async () => {
      await cache(c, next);
    });
}
