import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { PitwallError } from '../../errors/errors.js';
import { guarded } from '../guard.js';
import {
  mergeInto,
  onConflict,
  type Queryable,
  type QueryOptions,
  type ResultRow,
  type SqlValue,
  type Store,
  type TableWrite,
  type LoadOptions,
  type LoadWriter,
  type Tx,
} from '../store.js';
import { fromDriverValue, toParam } from '../values.js';
import { RowAppender } from './append.js';
import { lockHeldError } from './lock.js';
import { dropLeftStages, StagedLoad } from './staged-load.js';
import { Mutex } from '../mutex.js';

export interface DuckDbOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** DuckDB memory_limit, e.g. '512MB'. */
  memoryLimit?: string;
  /** DuckDB's memory_limit while a load runs, when lower than memoryLimit (see DuckDbStore.load). */
  loadMemoryLimit?: string;
  threads?: number;
}

/** See DuckDbStore.load. */
export const DEFAULT_LOAD_MEMORY_LIMIT = '32MB';

const UNITS: Record<string, number> = {
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
/** Bytes of a size as config writes it ('512MB', '1.5 GiB'), to compare two limits. */
function bytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(size.trim());
  return m ? Number(m[1]) * (UNITS[m[2]!.toLowerCase()] ?? NaN) : NaN;
}

/** DuckDB's errors for a statement that needed more memory than memory_limit allows. */
function outOfMemory(e: unknown): boolean {
  return /out of memory|failed to pin block|could not allocate/i.test(
    e instanceof Error ? e.message : String(e),
  );
}

export class DuckConn implements Queryable {
  readonly lock = new Mutex();
  /** Staging tables this connection holds, with their appenders (they outlive a transaction, not a rollback). */
  readonly staged = new Map<string, RowAppender>();
  /** After a rollback: the staging tables made in it are gone, their appenders with them. */
  dropStaged(): void {
    for (const ap of this.staged.values()) ap.close();
    this.staged.clear();
  }
  /** Statements queued or running here: a read goes to the reader with the fewest. */
  pending = 0;
  private readonly keyed = new Map<string, boolean>();
  /** Whether `table` has a primary key (tables without one, see 025, are upserted by MERGE). */
  async hasPrimaryKey(table: string): Promise<boolean> {
    let k = this.keyed.get(table);
    if (k === undefined) {
      const rows = await this.queryUnlocked(
        `select 1 from duckdb_constraints() where table_name = $1 and constraint_type = 'PRIMARY KEY' limit 1`,
        [table],
      );
      this.keyed.set(table, (k = rows.length > 0));
    }
    return k;
  }
  constructor(readonly conn: DuckDBConnection) {}
  async query<T extends object = ResultRow>(
    sql: string,
    params: readonly SqlValue[] = [],
    options?: QueryOptions,
  ): Promise<T[]> {
    this.pending++;
    try {
      if (!options?.signal && !options?.timeoutMs)
        return await this.lock.run(() => this.queryUnlocked<T>(sql, params));
      return await guarded(options, (signal, started) =>
        this.lock.run(async () => {
          // Given up while queued: never start it.
          signal.throwIfAborted();
          started();
          // Only while this statement runs: an interrupt between statements could hit the next one.
          const stop = () => this.conn.interrupt();
          signal.addEventListener('abort', stop, { once: true });
          try {
            return await this.queryUnlocked<T>(sql, params);
          } finally {
            signal.removeEventListener('abort', stop);
          }
        }),
      );
    } finally {
      this.pending--;
    }
  }
  async queryUnlocked<T extends object>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql, params.length ? params.map(toParam) : undefined);
    const rows = reader.getRowObjectsJS();
    for (const row of rows)
      for (const k in row) (row as Record<string, unknown>)[k] = fromDriverValue(row[k]);
    return rows as T[];
  }
}

/**
 * Upserts through DuckDB's appender into a temp staging table (far faster than VALUES lists),
 * then one insert ... on conflict. One staging table per table and column list, made once per connection: one
 * made per batch stays in memory until the transaction ends (a JUnit report of 833,000 cases,
 * one transaction, ran out of memory under a 128 MB limit that way).
 */
async function upsertOne(c: DuckConn, w: TableWrite): Promise<void> {
  if (w.replace) await c.queryUnlocked(`delete from ${w.table}`);
  if (w.rows.length === 0) return;
  const stage = `stage_${w.table}_${createHash('sha1').update(w.columns.join(',')).digest('hex').slice(0, 8)}`;
  let appender = c.staged.get(stage);
  if (!appender) {
    await c.queryUnlocked(
      `create or replace temp table ${stage} as select ${w.columns.join(', ')} from ${w.table} limit 0`,
    );
    appender = new RowAppender(c.conn, stage, 'temp');
    c.staged.set(stage, appender);
  }
  await appender.append(w.rows);
  await c.queryUnlocked(
    (await c.hasPrimaryKey(w.table))
      ? `insert into ${w.table} (${w.columns.join(', ')}) select ${w.columns.join(', ')} from ${stage} ${onConflict(w)}`
      : mergeInto(w, stage),
  );
  await c.queryUnlocked(`delete from ${stage}`);
}

export class DuckDbStore implements Store {
  readonly kind = 'duckdb' as const;
  private next = 0;
  /** Loads running: the first lowers memory_limit, the last gives the store its own back. */
  private loads = 0;
  /** The store's own limit in bytes while loads run (what a load's limit may double up to). */
  private ceiling = 0;
  /** The limit loads run under now, in bytes (0: none running, or no load limit). */
  private loadLimit = 0;
  private constructor(
    readonly location: string,
    /** The configured memory_limit (null: DuckDB's default), restored after loads. */
    private readonly memoryLimit: string | null,
    private readonly loadMemoryLimit: string | null,
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckConn,
    private readonly readers: DuckConn[],
    /** Health checks only: never queued behind a read or a write. */
    private readonly health: DuckConn,
  ) {}

  static async open(opts: DuckDbOptions): Promise<DuckDbStore> {
    const path = opts.path === ':memory:' ? ':memory:' : resolve(opts.path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    // DuckDB checkpoints whenever its write-ahead log passes 16 MB, and each checkpoint rewrites
    // the tables' primary-key indexes whole: loading 373,555 demo records, commits took most of
    // the write time and the load ran at 15.2k records/s; at 256 MB, 19.3k/s with the same peak
    // RSS. The log is replayed on the next open after a crash, so nothing committed is lost.
    const config: Record<string, string> = { checkpoint_threshold: '256MB' };
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    if (opts.threads) config.threads = String(opts.threads);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw (
        lockHeldError(path, msg) ??
        new PitwallError('store_unavailable', `Cannot open DuckDB store ${path}: ${msg}`)
      );
    }
    const writer = new DuckConn(await instance.connect());
    await dropLeftStages(writer);
    // Two read connections let independent report queries run side by side on 2 cores.
    const readers = [new DuckConn(await instance.connect()), new DuckConn(await instance.connect())];
    const wanted = opts.loadMemoryLimit ?? DEFAULT_LOAD_MEMORY_LIMIT;
    const loadLimit = !opts.memoryLimit || bytes(wanted) < bytes(opts.memoryLimit) ? wanted : null;
    return new DuckDbStore(
      path,
      opts.memoryLimit ?? null,
      loadLimit,
      instance,
      writer,
      readers,
      new DuckConn(await instance.connect()),
    );
  }

  query<T extends object = ResultRow>(
    sql: string,
    params?: readonly SqlValue[],
    options?: QueryOptions,
  ): Promise<T[]> {
    // The least busy reader, so a short read does not queue behind a long one while the other idles.
    const start = this.next++;
    let c = this.readers[start % this.readers.length]!;
    for (let i = 1; i < this.readers.length; i++) {
      const r = this.readers[(start + i) % this.readers.length]!;
      if (r.pending < c.pending) c = r;
    }
    return c.query<T>(sql, params, options);
  }

  async ping(): Promise<void> {
    await this.health.query('select 1 as ok');
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.onWriter((w) =>
      fn({
        query: (sql, params) => w.queryUnlocked(sql, params),
        upsert: async (writes) => {
          for (const write of writes) await upsertOne(w, write);
        },
      }),
    );
  }

  /**
   * See StagedLoad: batches staged in committed tables, moved into their targets at the end.
   * DuckDB's buffer pool keeps every block it may (by default 80% of RAM): an 833,000-case JUnit
   * report grew the process by 350 MB while staging and 400 MB more while merging. So a load runs
   * under loadMemoryLimit (staged blocks spill to disk), and a merge that DuckDB reports out of
   * memory rolls back whole and runs again under twice the limit, up to the store's own.
   * Queries running meanwhile spill to disk sooner. Bench: junit-memory.
   */
  async load<T>(fn: (w: LoadWriter) => Promise<T>, options: LoadOptions = {}): Promise<T> {
    if (this.loads++ === 0 && this.loadMemoryLimit) {
      const [row] = await this.health.query<{ limit: string }>(
        `select current_setting('memory_limit') as limit`,
      );
      this.ceiling = bytes(row!.limit);
      this.loadLimit = bytes(this.loadMemoryLimit);
      await this.setMemoryLimit(this.loadLimit);
    }
    try {
      const staged = new StagedLoad(this.writer, options);
      try {
        const out = await fn({ upsert: (writes) => this.writer.lock.run(() => staged.stage(writes)) });
        for (;;) {
          try {
            await this.onWriter(() => staged.merge());
            break;
          } catch (e) {
            if (!(await this.moreMemory(e))) throw e;
          }
        }
        return out;
      } catch (e) {
        await this.writer.lock.run(() => staged.discard());
        if (!outOfMemory(e) || !this.loadLimit) throw e;
        throw new PitwallError(
          'store_unavailable',
          `DuckDB ran out of memory writing a load under store.duckdb_load_memory_limit ` +
            `(${this.loadMemoryLimit}); nothing was written. Raise it in pitwall.yaml or with ` +
            `PITWALL_DUCKDB_LOAD_MEMORY (${(e as Error).message.split('\n')[0]})`,
        );
      }
    } finally {
      if (--this.loads === 0 && this.loadLimit) {
        this.loadLimit = 0;
        await this.health.query(
          this.memoryLimit ? `set memory_limit = '${this.memoryLimit}'` : 'reset memory_limit',
        );
      }
    }
  }

  /** After `e` in a load: doubles its memory limit if `e` is DuckDB's out of memory and the store allows. */
  private async moreMemory(e: unknown): Promise<boolean> {
    if (!outOfMemory(e) || !this.loadLimit || this.loadLimit * 2 > this.ceiling) return false;
    this.loadLimit *= 2;
    await this.setMemoryLimit(this.loadLimit);
    return true;
  }

  /** memory_limit is the instance's: set on the health connection, which no read or write holds. */
  private async setMemoryLimit(bytes: number): Promise<void> {
    await this.health.query(`set memory_limit = '${Math.max(1, Math.round(bytes / 1024))}KiB'`);
  }

  upsert(writes: readonly TableWrite[]): Promise<void> {
    return this.onWriter(async (w) => {
      for (const write of writes) await upsertOne(w, write);
    });
  }

  /** One transaction on the writer connection, behind its lock: the only write in flight. */
  private onWriter<T>(fn: (w: DuckConn) => Promise<T>): Promise<T> {
    const w = this.writer;
    return w.lock.run(async () => {
      await w.queryUnlocked('begin transaction');
      try {
        const out = await fn(w);
        await w.queryUnlocked('commit');
        return out;
      } catch (e) {
        await w.queryUnlocked('rollback').catch(() => undefined);
        // Staging tables made in the transaction are gone with it.
        w.dropStaged();
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    // Each connection closes after the statements queued on it so far: a statement running
    // when its connection and instance are closed never settles (measured: its promise neither
    // resolved nor rejected, and the process did not exit until killed).
    for (const c of [this.writer, ...this.readers, this.health])
      await c.lock.run(async () => {
        c.dropStaged();
        c.conn.closeSync();
      });
    this.instance.closeSync();
  }
}
