import { recordKinds } from '../domain/records.js';
import type { Queryable } from '../store/store.js';

/** The natural key of each record kind's table: DuckDB declares none on some (migration 025). */
const RECORD_KEYS = new Map<string, readonly string[]>(
  Object.values(recordKinds).map((k) => [k.table, k.key]),
);

/**
 * Which warehouse tables an export writes, and how each is partitioned. The rule: a table is
 * partitioned by day of its event timestamp column, named in PARTITION_COLUMNS, or else its first
 * `not null` timestamp column; a table with none is written whole as one partition. Tables that
 * hold the server's own bookkeeping or secrets are never exported.
 */
const PARTITION_COLUMNS: Readonly<Record<string, string | null>> = {
  commits: 'committed_at',
  // Jobs may be listed before they are created upstream: rows without one go to the null partition.
  pipeline_jobs: 'created_at',
  commit_deliveries: 'deployed_at',
  pr_cycles: 'opened_at',
  daily_rollups: 'day',
  // Small reference tables whose timestamp is not when the row happened.
  sources: null,
  quarantine: null,
  tags: null,
};

/** Bookkeeping (migrations, change tokens, schedules, webhook payloads) and credentials. */
const NEVER_EXPORTED = new Set([
  'schema_migrations',
  'api_tokens',
  'scheduler_runs',
  'table_changes',
  'enrich_steps',
  'webhook_deliveries',
]);

export type ColumnType = 'text' | 'timestamp' | 'double' | 'integer' | 'bigint' | 'boolean';

export interface ExportColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

export interface ExportTable {
  name: string;
  columns: ExportColumn[];
  /** The primary key, in order: pages are read in this order so each row is read once. */
  key: string[];
  /** The day partitions come from; null: the table is one partition. */
  partitionBy: string | null;
}

/** The two engines' names for the column types the migrations use. */
function columnType(dataType: string): ColumnType {
  const t = dataType.toLowerCase();
  if (t === 'varchar' || t === 'text' || t.startsWith('character')) return 'text';
  if (t.startsWith('timestamp')) return 'timestamp';
  if (t === 'double' || t === 'double precision' || t === 'real' || t === 'float') return 'double';
  if (t === 'integer' || t === 'int' || t === 'int4' || t === 'smallint') return 'integer';
  if (t === 'bigint' || t === 'int8') return 'bigint';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  // A type no migration uses yet: as text it still round-trips (Spark reads it as a string).
  return 'text';
}

/** Every exportable table of the warehouse, read from the schema both engines describe alike. */
export async function exportableTables(q: Queryable): Promise<ExportTable[]> {
  const cols = await q.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
  }>(
    `select table_name, column_name, data_type, is_nullable from information_schema.columns
     where table_schema = current_schema() order by table_name, ordinal_position`,
  );
  const keys = await q.query<{ table_name: string; column_name: string }>(
    `select kc.table_name, kc.column_name from information_schema.table_constraints tc
     join information_schema.key_column_usage kc
       on kc.constraint_name = tc.constraint_name and kc.table_name = tc.table_name
     where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = current_schema()
     order by kc.table_name, kc.ordinal_position`,
  );
  const byTable = new Map<string, ExportTable>();
  for (const c of cols) {
    if (NEVER_EXPORTED.has(c.table_name)) continue;
    let t = byTable.get(c.table_name);
    if (!t) byTable.set(c.table_name, (t = { name: c.table_name, columns: [], key: [], partitionBy: null }));
    t.columns.push({ name: c.column_name, type: columnType(c.data_type), nullable: c.is_nullable === 'YES' });
  }
  for (const k of keys) byTable.get(k.table_name)?.key.push(k.column_name);
  for (const t of byTable.values()) {
    // No primary key: the record kind's natural key, else every column orders the pages (rows
    // equal in all of them are one row to Spark too).
    if (!t.key.length) t.key = [...(RECORD_KEYS.get(t.name) ?? t.columns.map((c) => c.name))];
    t.partitionBy =
      t.name in PARTITION_COLUMNS
        ? (PARTITION_COLUMNS[t.name] ?? null)
        : (t.columns.find((c) => c.type === 'timestamp' && !c.nullable)?.name ?? null);
  }
  return [...byTable.values()].sort((a, b) => a.name.localeCompare(b.name));
}
