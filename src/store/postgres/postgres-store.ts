import pg from 'pg';
import { PitwallError } from '../../errors/errors.js';
import { onConflict, type ResultRow, type SqlValue, type Store, type TableWrite, type Tx } from '../store.js';
import { redactDatabaseUrl, scrubDatabaseSecrets } from '../redact.js';
import { toParam } from '../values.js';

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
  const res = await client.query({ text: sql, values: params.map(toParam), types });
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

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
  ) {}

  static async open(url: string, opts: { max?: number } = {}): Promise<PostgresStore> {
    // Timestamps are read as ISO text in UTC (see `types`): pin both for every session, whatever
    // the server or database defaults say (a DateStyle of 'SQL, DMY' would read as Invalid Date).
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 8,
      options: '-c DateStyle=ISO,YMD -c TimeZone=UTC',
    });
    pool.on('error', () => undefined); // idle-client errors surface on the next query instead
    try {
      const c = await pool.connect();
      c.release();
    } catch (e) {
      await pool.end().catch(() => undefined);
      // The driver's message may quote parts of the URL: scrub its secrets whatever it says.
      const reason = scrubDatabaseSecrets(e instanceof Error ? e.message : String(e), url);
      throw new PitwallError(
        'store_unavailable',
        `Cannot connect to PostgreSQL at ${redactDatabaseUrl(url)}: ${reason}. Check DATABASE_URL and that the server is running.`,
      );
    }
    return new PostgresStore(redactDatabaseUrl(url), pool);
  }

  query<T extends object = ResultRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return run<T>(this.pool, sql, params);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const tx: Tx = {
        query: (sql, params) => run(client, sql, params),
        upsert: async (writes) => {
          for (const w of writes) await upsertOne(client, w);
        },
      };
      const out = await fn(tx);
      await client.query('commit');
      return out;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async upsert(writes: readonly TableWrite[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      for (const w of writes) await upsertOne(client, w);
      await client.query('commit');
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
