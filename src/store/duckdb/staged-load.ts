import { randomBytes } from 'node:crypto';
import { onConflict, updatedColumns, type TableWrite } from '../store.js';
import { RowAppender } from './append.js';
import type { DuckConn } from './duckdb-store.js';

/** Staging tables of loads: a process killed mid-load leaves one, dropped when the store opens. */
export const STAGE_PREFIX = 'pitwall_load_';

interface Stage {
  name: string;
  /** The first write's shape; its rows are in the staging table. */
  write: TableWrite;
  appender: RowAppender;
}

/**
 * DuckDB's load: every batch is appended, committed, to an unkeyed staging table per target (so
 * it lives in the database file, not in a transaction's memory), and one transaction at the end
 * moves each staging table into its target. Measured on an 833,000-case JUnit report: one
 * transaction of upserts grew to 1.2 GB RSS (a transaction's rows, its temp staging rows and
 * the primary key's local index all stay in memory until commit); staged, the appends stay
 * flat and only the final insert ... select holds memory, once.
 */
export class StagedLoad {
  private readonly stages = new Map<string, Stage>();
  private readonly id = randomBytes(6).toString('hex');
  constructor(private readonly w: DuckConn) {}

  /** Called under the writer's lock, outside any transaction: each append commits on its own. */
  async stage(writes: readonly TableWrite[]): Promise<void> {
    for (const write of writes) {
      if (write.replace) throw new Error(`${write.table}: a load cannot replace a table`);
      if (write.rows.length === 0) continue;
      const sig = JSON.stringify([write.table, write.columns, write.key, write.update, write.newerBy]);
      let s = this.stages.get(sig);
      if (!s) {
        const name = `${STAGE_PREFIX}${this.id}_${this.stages.size}`;
        await this.w.queryUnlocked(
          `create table ${name} as select ${write.columns.join(', ')} from ${write.table} limit 0`,
        );
        s = { name, write: { ...write, rows: [] }, appender: new RowAppender(this.w.conn, name, 'database') };
        this.stages.set(sig, s);
      }
      // Outside a transaction, each flush commits on its own.
      await s.appender.append(write.rows);
    }
  }

  /**
   * In the caller's transaction: each staging table into its target, in the order first written.
   * The last row per key wins (rowid is append order). A stage that owns every non-key column
   * and has no version order replaces its rows (delete, then a plain insert: far less memory than
   * an insert ... on conflict of the same rows); any other goes through the upsert's own rule.
   */
  async merge(): Promise<void> {
    for (const { name, write, appender } of this.stages.values()) {
      appender.close();
      const cols = write.columns.join(', ');
      const keys = write.key.join(', ');
      const latest = `select ${cols} from ${name} qualify row_number() over (partition by ${keys} order by rowid desc) = 1`;
      const owned = updatedColumns(write).length === write.columns.length - write.key.length;
      if (owned && !write.newerBy?.length) {
        const on = write.key.map((k) => `${write.table}.${k} = s.${k}`).join(' and ');
        await this.w.queryUnlocked(`delete from ${write.table} using ${name} s where ${on}`);
        await this.w.queryUnlocked(`insert into ${write.table} (${cols}) ${latest}`);
      } else {
        await this.w.queryUnlocked(`insert into ${write.table} (${cols}) ${latest} ${onConflict(write)}`);
      }
      await this.w.queryUnlocked(`drop table ${name}`);
    }
    this.stages.clear();
  }

  /** After a failure: the staging tables go, the targets were never touched. */
  async discard(): Promise<void> {
    for (const { name, appender } of this.stages.values()) {
      appender.close();
      await this.w.queryUnlocked(`drop table if exists ${name}`).catch(() => undefined);
    }
    this.stages.clear();
  }
}

/** Drops what loads of a process that died mid-load left behind. */
export async function dropLeftStages(w: DuckConn): Promise<void> {
  const left = await w.queryUnlocked<{ name: string }>(
    `select table_name as name from duckdb_tables() where schema_name = 'main' and starts_with(table_name, $1)`,
    [STAGE_PREFIX],
  );
  for (const { name } of left) await w.queryUnlocked(`drop table if exists ${name}`);
}
