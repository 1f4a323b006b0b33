import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { Hono } from 'hono';
import { invalidArgument } from '../errors/errors.js';
import type { AppEnv } from './context.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Where a built web app may be: the package build, or the web workspace's own build. */
export function findWebRoot(base: string): string | null {
  for (const d of ['dist/web', 'src/web/dist'].map((p) => resolve(base, p)))
    if (existsSync(join(d, 'index.html'))) return d;
  return null;
}

const PLAIN = `<!doctype html><html><head><meta charset="utf-8"><title>Pitwall</title></head><body>
<h1>Pitwall</h1><p>The web dashboards are not built here (npm run build:web). The API is:</p><ul>
<li><a href="/api/v1/registry">/api/v1/registry</a>: every metric</li>
<li><a href="/api/v1/report">/api/v1/report</a>: every metric over the last 30 days</li>
<li><a href="/api/v1/dora">/api/v1/dora</a>, <a href="/api/v1/dxi">/api/v1/dxi</a>, <a href="/api/v1/ci/stages">/api/v1/ci/stages</a></li>
<li><a href="/api/v1/sources">/api/v1/sources</a>: collectors' health</li>
<li><a href="/metrics">/metrics</a>: Prometheus</li></ul>
<p>Reference: docs/api.md.</p></body></html>`;

/** A path's percent-encoding decoded; a malformed one (`%E0%A4%A`) or a NUL is the caller's mistake. */
function decodedPath(path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw invalidArgument(`the path ${JSON.stringify(path)} has malformed percent-encoding`, {
      field: 'path',
    });
  }
  // No file name holds a NUL, and the file system refuses one outright.
  if (decoded.includes('\u0000'))
    throw invalidArgument('the path holds a NUL character (%00)', { field: 'path' });
  return decoded;
}

/** The built SPA with index.html for unknown paths (client routes), or a page naming the API. */
export function staticRoutes(app: Hono<AppEnv>, webRoot: string | null): void {
  app.get('*', (c) => {
    const path = c.req.path;
    if (path.startsWith('/api/')) return c.notFound();
    if (!webRoot) return c.html(PLAIN);
    // normalize + prefix check: "/../" can never leave the web root.
    const file = join(webRoot, normalize(decodedPath(path)).replace(/^([/\\])+/, ''));
    const inside = file.startsWith(webRoot);
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(webRoot, 'index.html');
    const type = TYPES[extname(target)] ?? 'application/octet-stream';
    const cache = target.includes(`${join(webRoot, 'assets')}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache';
    return c.body(readFileSync(target), 200, { 'content-type': type, 'cache-control': cache });
  });
}
