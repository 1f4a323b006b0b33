import { randomBytes } from 'node:crypto';
import { mergeInto, onConflict, updatedColumns, type LoadOptions, type TableWrite } from '../store.js';
import { RowAppender } from './append.js';
import type { DuckConn } from './duckdb-store.js';

/** Rows per appender flush of a staging table (see stage). */
const FLUSH_ROWS = 2000;

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
  constructor(
    private readonly w: DuckConn,
    private readonly options: LoadOptions = {},
  ) {}

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
      // Outside a transaction, each flush commits on its own. A flush holds its rows in memory
      // until it commits, under the load's low memory limit: at most FLUSH_ROWS of them. (An
      // append that ran out of memory is not tried again: DuckDB left such a staging table
      // short of rows, so the load fails whole and says how to give it more memory.)
      for (let i = 0; i < write.rows.length; i += FLUSH_ROWS)
        await s.appender.append(
          write.rows.length <= FLUSH_ROWS ? write.rows : write.rows.slice(i, i + FLUSH_ROWS),
        );
    }
  }

  /**
   * In the caller's transaction: each staging table into its target, in the order first written.
   * The last row per key wins (rowid is append order). A stage that owns every non-key column
   * and has no version order replaces its rows (delete, then a plain insert: far less memory than
   * an insert ... on conflict of the same rows, or a MERGE); any other goes through the upsert's
   * own rule. Its memory, measured on 833,000 staged cases under a 64 MB limit: a window over
   * every staged row (to keep the last per key) ran out of memory, so a target without a primary
   * key (migration 025) is first checked for repeated keys by a group by over the keys alone,
   * and only a stage that has some loses the older rows, by rowid.
   */
  async merge(): Promise<void> {
    for (const { name, write, appender } of this.stages.values()) {
      appender.close();
      const cols = write.columns.join(', ');
      const keyed = await this.w.hasPrimaryKey(write.table);
      const source = keyed ? `(${latestPerKey(write, name)})` : name;
      if (!keyed && !this.options.distinctKeys) await this.dropRepeatedKeys(write, name);
      if (
        updatedColumns(write).length === write.columns.length - write.key.length &&
        !write.newerBy?.length
      ) {
        const on = write.key.map((k) => `${write.table}.${k} = s.${k}`).join(' and ');
        await this.w.queryUnlocked(`delete from ${write.table} using ${name} s where ${on}`);
        await this.w.queryUnlocked(`insert into ${write.table} (${cols}) select ${cols} from ${source} s`);
      } else if (keyed) {
        await this.w.queryUnlocked(
          `insert into ${write.table} (${cols}) ${latestPerKey(write, name)} ${onConflict(write)}`,
        );
      } else {
        await this.w.queryUnlocked(mergeInto(write, name));
      }
      await this.w.queryUnlocked(`drop table ${name}`);
    }
    this.stages.clear();
  }

  /** Keeps only the last row of each key in a staging table (none repeat in most loads). */
  private async dropRepeatedKeys(write: TableWrite, name: string): Promise<void> {
    const keys = write.key.join(', ');
    const repeated = `select ${keys}, max(rowid) as last from ${name} group by ${keys} having count(*) > 1`;
    const [first] = await this.w.queryUnlocked(`${repeated} limit 1`);
    if (!first) return;
    const same = write.key.map((k) => `${name}.${k} = d.${k}`).join(' and ');
    await this.w.queryUnlocked(
      `delete from ${name} using (${repeated}) d where ${same} and ${name}.rowid <> d.last`,
    );
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

/** The staged rows, the last of each key (rowid is append order). */
function latestPerKey(write: TableWrite, name: string): string {
  return `select ${write.columns.join(', ')} from ${name} qualify row_number() over (partition by ${write.key.join(', ')} order by rowid desc) = 1`;
}

/** Drops what loads of a process that died mid-load left behind. */
export async function dropLeftStages(w: DuckConn): Promise<void> {
  const left = await w.queryUnlocked<{ name: string }>(
    `select table_name as name from duckdb_tables() where schema_name = 'main' and starts_with(table_name, $1)`,
    [STAGE_PREFIX],
  );
  for (const { name } of left) await w.queryUnlocked(`drop table if exists ${name}`);
}
