import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

interface Entry {
  generation: number;
  at: number;
  body: Promise<{ status: number; text: string; type: string } | null>;
}

/**
 * Dashboards ask the same questions over and over (every viewer opens the same window), and a
 * report is hundreds of queries. Identical reads share one computation while it runs
 * (single flight) and reuse its answer until anything is written (`invalidate`) or `ttlMs` passes.
 * Only successful answers are kept; errors are always recomputed.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 500,
  ) {}

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Runs after auth: the key is the URL alone, because every reader with the scope sees the same data. */
  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      if (c.req.method !== 'GET') return next();
      const key = c.req.url.slice(c.req.url.indexOf('/', 8));
      const now = Date.now();
      const hit = this.entries.get(key);
      if (hit && hit.generation === this.generation && now - hit.at < this.ttlMs) {
        const cached = await hit.body;
        if (cached) {
          c.res = new Response(cached.text, {
            status: cached.status,
            headers: { 'content-type': cached.type },
          });
          return;
        }
      }
      let settle!: (v: Awaited<Entry['body']>) => void;
      const entry: Entry = { generation: this.generation, at: now, body: new Promise((r) => (settle = r)) };
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, entry);
      try {
        await next();
      } catch (e) {
        settle(null);
        this.entries.delete(key);
        throw e;
      }
      if (c.res.status !== 200) {
        settle(null);
        this.entries.delete(key);
        return;
      }
      const text = await c.res.clone().text();
      settle({ status: 200, text, type: c.res.headers.get('content-type') ?? 'application/json' });
    };
  }
}
