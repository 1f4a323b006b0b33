import pg from 'pg';
import { PitwallError } from '../../errors/errors.js';
import { guarded } from '../guard.js';
import { Mutex } from '../mutex.js';
import {
  onConflict,
  type LoadWriter,
  type QueryOptions,
  type ResultRow,
  type SqlValue,
  type Store,
  type TableWrite,
  type Tx,
} from '../store.js';
import { redactDatabaseUrl, scrubDatabaseSecrets } from '../redact.js';
import { toParam } from '../values.js';
import { checkout, mapPgError, rethrowMapped } from './errors.js';
import { countRows, Statistics } from './statistics.js';

/**
 * Results must read back exactly as DuckDB's do: counts and numerics as numbers,
 * `timestamp` (no zone) as a UTC instant rather than the process's local time.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case 20: // int8
      case 1700: // numeric
        return (v: string) => Number(v);
      case 1114: // timestamp
        return (v: string) => new Date(`${v.replace(' ', 'T')}Z`);
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
} as unknown as pg.CustomTypesConfig;

async function run<T>(
  client: pg.ClientBase | pg.Pool,
  sql: string,
  params: readonly SqlValue[] = [],
): Promise<T[]> {
  const res = await client.query({ text: sql, values: params.map(toParam), types }).catch(rethrowMapped);
  return res.rows as T[];
}

/** One statement per table: the batch travels as a single JSON parameter and PostgreSQL expands it. */
async function upsertOne(client: pg.ClientBase, w: TableWrite): Promise<void> {
  if (w.replace) await client.query(`delete from ${w.table}`);
  const cols = w.columns.join(', ');
  const sql = `insert into ${w.table} (${cols}) select ${cols} from json_populate_recordset(null::${w.table}, $1::json) ${onConflict(w)}`;
  // Slices keep each JSON parameter a few MB however large the batch.
  for (let i = 0; i < w.rows.length; i += PG_SLICE) {
    const objects = w.rows
      .slice(i, i + PG_SLICE)
      .map((r) => Object.fromEntries(w.columns.map((c, j) => [c, toParam(r[j] ?? null)])));
    await client.query(sql, [JSON.stringify(objects)]);
  }
}

const PG_SLICE = 10_000;

/** Each pooled session's backend pid, the handle pg_cancel_backend takes. */
const backendPids = new WeakMap<pg.PoolClient, number>();

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  /** Health checks and cancels: one session of its own, so neither queues behind a pool. */
  private control: Promise<pg.Client> | null = null;
  private readonly controlLock = new Mutex();
  private readonly statistics = new Statistics();
  private constructor(
    readonly location: string,
    /** Reads and writes have pools of their own: many slow readers never hold up ingest. */
    private readonly pool: pg.Pool,
    private readonly writePool: pg.Pool,
    private readonly clientConfig: pg.ClientConfig,
  ) {}

  static async open(url: string, opts: { max?: number; maxWriters?: number } = {}): Promise<PostgresStore> {
    // Timestamps are read as ISO text in UTC (see `types`): pin both for every session, whatever
    // the server or database defaults say (a DateStyle of 'SQL, DMY' would read as Invalid Date).
    const clientConfig: pg.ClientConfig = {
      connectionString: url,
      options: '-c DateStyle=ISO,YMD -c TimeZone=UTC',
    };
    const pool = new pg.Pool({ ...clientConfig, max: opts.max ?? 6 });
    const writePool = new pg.Pool({ ...clientConfig, max: opts.maxWriters ?? 3 });
    // Idle-client errors surface on the next query instead.
    for (const p of [pool, writePool]) p.on('error', () => undefined);
    try {
      const c = await pool.connect();
      c.release();
    } catch (e) {
      await Promise.all([pool.end(), writePool.end()]).catch(() => undefined);
      // The driver's message may quote parts of the URL: scrub its secrets whatever it says.
      const reason = scrubDatabaseSecrets(e instanceof Error ? e.message : String(e), url);
      throw new PitwallError(
        'store_unavailable',
        `Cannot connect to PostgreSQL at ${redactDatabaseUrl(url)}: ${reason}. Check DATABASE_URL and that the server is running.`,
      );
    }
    return new PostgresStore(redactDatabaseUrl(url), pool, writePool, clientConfig);
  }

  query<T extends object = ResultRow>(
    sql: string,
    params?: readonly SqlValue[],
    options?: QueryOptions,
  ): Promise<T[]> {
    if (!options?.signal && !options?.timeoutMs) return run<T>(this.pool, sql, params);
    return guarded(options, async (signal, started) => {
      const client = await checkout(this.pool);
      let cancelling: Promise<void> | null = null;
      const stop = () => {
        const pid = backendPids.get(client);
        if (pid !== undefined) cancelling = this.cancel(pid);
      };
      try {
        // Given up while waiting for a connection: never start it.
        signal.throwIfAborted();
        if (!backendPids.has(client)) {
          const [row] = await run<{ pid: number }>(client, 'select pg_backend_pid() as pid');
          backendPids.set(client, row!.pid);
        }
        signal.throwIfAborted();
        started();
        signal.addEventListener('abort', stop, { once: true });
        return await run<T>(client, sql, params);
      } finally {
        signal.removeEventListener('abort', stop);
        // The session goes back to the pool only once the cancel has landed, so the cancel
        // cannot stop the next statement run on it.
        if (cancelling) await cancelling;
        client.release();
      }
    });
  }

  /** Stops the statement running in one of our sessions (the session itself lives on). */
  private cancel(pid: number): Promise<void> {
    return this.onControl(async (c) => {
      await c.query('select pg_cancel_backend($1)', [pid]);
    }).catch(() => undefined);
  }

  async ping(): Promise<void> {
    await this.onControl((c) => c.query('select 1 as ok')).catch(rethrowMapped);
  }

  /** Runs on the control session, opening it on first use and again after it broke. */
  private onControl<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    return this.controlLock.run(async () => {
      if (!this.control) {
        const c = new pg.Client(this.clientConfig);
        c.on('error', () => undefined);
        const connecting = c.connect().then(() => c);
        this.control = connecting;
        connecting.catch(() => {
          if (this.control === connecting) this.control = null;
        });
      }
      const c = await this.control;
      try {
        return await fn(c);
      } catch (e) {
        // A failed statement leaves the session usable; a broken one is replaced next time.
        if (!(e instanceof pg.DatabaseError)) {
          this.control = null;
          void c.end().catch(() => undefined);
        }
        throw e;
      }
    });
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await checkout(this.writePool);
    try {
      await client.query('begin');
      const rows = new Map<string, number>();
      const tx: Tx = {
        query: (sql, params) => run(client, sql, params),
        upsert: async (writes) => {
          for (const w of writes) await upsertOne(client, w);
          countRows(rows, writes);
        },
      };
      const out = await fn(tx);
      await client.query('commit');
      await this.statistics.committed(client, rows);
      return out;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw mapPgError(e);
    } finally {
      client.release();
    }
  }

  /** One transaction: PostgreSQL keeps an uncommitted write on disk, so memory stays flat. */
  load<T>(fn: (w: LoadWriter) => Promise<T>): Promise<T> {
    return this.transaction((tx) => fn({ upsert: (writes) => tx.upsert(writes) }));
  }

  upsert(writes: readonly TableWrite[]): Promise<void> {
    return this.transaction((tx) => tx.upsert(writes));
  }

  async close(): Promise<void> {
    const control = this.control;
    this.control = null;
    await Promise.all([
      this.pool.end(),
      this.writePool.end(),
      control?.then((c) => c.end()).catch(() => undefined),
    ]);
  }
}
