import type { Context, Hono, NotFoundHandler } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import { PitwallError } from '../errors/errors.js';
import type { AppEnv } from './context.js';
import { errorResponse } from './errors.js';

/** A route that takes every path (the web app's fallback) makes no path "known" by itself. */
const CATCH_ALL = new Set(['*', '/*']);

/**
 * The app's not-found answer: 405 with an `Allow` header when the path exists for other
 * methods (PUT on a read endpoint), 404 otherwise, both with the error envelope. The routes are
 * read from the app on first use, so every route registered before the first request counts.
 */
export function unknownRoute(app: Hono<AppEnv>): NotFoundHandler<AppEnv> {
  let router: TrieRouter<string> | null = null;
  const methodsOf = (path: string): string[] => {
    if (!router) {
      router = new TrieRouter<string>();
      for (const r of app.routes)
        if (r.method !== 'ALL' && !CATCH_ALL.has(r.path)) router.add('ALL', r.path, r.method);
    }
    const methods = new Set(router.match('GET', path)[0].map(([m]) => m));
    // Hono answers HEAD with the GET handler.
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
  return (c: Context<AppEnv>) => {
    const allow = methodsOf(c.req.path);
    if (!allow.length || allow.includes(c.req.method))
      return errorResponse(
        c,
        new PitwallError('not_found', `no endpoint ${c.req.method} ${c.req.path} (see docs/api.md)`),
      );
    const res = errorResponse(
      c,
      new PitwallError(
        'method_not_allowed',
        `${c.req.path} does not accept ${c.req.method}: use ${allow.join(', ')}`,
        {
          allow,
        },
      ),
    );
    res.headers.set('allow', allow.join(', '));
    return res;
  };
}
