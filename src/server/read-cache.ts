import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import type { Touched } from './watched-store.js';

interface Entry {
  /** The write count when the read started: a write to its tables after that makes it stale. */
  seq: number;
  at: number;
  /** Every identifier of the SQL the read ran (its tables among them); null while it runs. */
  reads: ReadonlySet<string> | null;
  body: Promise<{ status: number; text: string; type: string } | null>;
}

const IDENTIFIER = /[a-z_][a-z0-9_]*/g;

/**
 * Dashboards ask the same questions over and over (every viewer opens the same window), and a
 * report is hundreds of queries. Identical reads share one computation while it runs
 * (single flight) and reuse its answer until a write touches a table it read (`invalidate`)
 * or `ttlMs` passes. A read's tables are the identifiers of the SQL it ran (`track`): a name
 * that is not a table never matches a write, so the match errs only towards recomputing.
 * Only successful answers are kept; errors are always recomputed.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new WeakMap<Request, Set<string>>();
  private seq = 0;
  /** The write count of the last write to each table, and of the last write to anything. */
  private readonly written = new Map<string, number>();
  private everything = 0;

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 500,
  ) {}

  /** A write committed: answers over `tables` (every answer, for null) are stale. */
  invalidate(tables: Touched = null): void {
    this.seq++;
    if (tables === null) this.everything = this.seq;
    else for (const t of tables) this.written.set(t, this.seq);
  }

  /** Notes SQL a cached request runs, so its answer goes stale with the tables it names. */
  track(request: Request, sql: string): void {
    const reads = this.running.get(request);
    if (reads) for (const id of sql.toLowerCase().match(IDENTIFIER) ?? []) reads.add(id);
  }

  private fresh(e: Entry, now: number): boolean {
    if (now - e.at >= this.ttlMs || this.everything > e.seq) return false;
    // In flight, its tables are not known yet: share it only if nothing was written since it began.
    if (!e.reads) return this.seq === e.seq;
    for (const [table, seq] of this.written) if (seq > e.seq && e.reads.has(table)) return false;
    return true;
  }

  /** Runs after auth: the key is the URL alone, because every reader with the scope sees the same data. */
  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      if (c.req.method !== 'GET') return next();
      const key = c.req.url.slice(c.req.url.indexOf('/', 8));
      const now = Date.now();
      const hit = this.entries.get(key);
      if (hit && this.fresh(hit, now)) {
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
      const entry: Entry = { seq: this.seq, at: now, reads: null, body: new Promise((r) => (settle = r)) };
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, entry);
      const reads = new Set<string>();
      this.running.set(c.req.raw, reads);
      const drop = () => {
        settle(null);
        if (this.entries.get(key) === entry) this.entries.delete(key);
      };
      try {
        await next();
      } catch (e) {
        drop();
        throw e;
      } finally {
        this.running.delete(c.req.raw);
      }
      if (c.res.status !== 200) return drop();
      const text = await c.res.clone().text();
      entry.reads = reads;
      settle({ status: 200, text, type: c.res.headers.get('content-type') ?? 'application/json' });
    };
  }
}
