import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  appendFileSync,
  constants,
  createReadStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { invalidArgument } from '../errors/errors.js';
import type { Queryable, ResultRow, SqlValue } from '../store/store.js';
import { exportableTables, type ExportTable } from './catalog.js';
import {
  NULL_PARTITION,
  WHOLE_TABLE,
  readManifest,
  writeManifest,
  type Manifest,
  type PartitionEntry,
  type TableEntry,
} from './manifest.js';
import { ParquetWriter, csvLine, quoteIdent } from './parquet-writer.js';

const DAY = 86_400_000;
/** Where partitions are written before they are renamed into place (same file system, hidden from readers). */
const TEMP_DIR = '.pitwall-tmp';

export interface ParquetExportOptions {
  /** The export's root: DIR/<table>/date=YYYY-MM-DD/part-*.parquet. */
  dir: string;
  /** Table names; all exportable tables when left out. */
  tables?: readonly string[];
  /** Days that meet [from, to) are written; undated partitions are always written. */
  from?: Date;
  to?: Date;
  /** Rewrite every partition in range, even complete days the manifest already holds. */
  rewrite?: boolean;
  /** The export's clock: days that ended before it are complete. */
  now?: Date;
  /** Rows read from the store per statement, and rows per Parquet file (bounds memory). */
  pageRows?: number;
  rowsPerFile?: number;
  /** Read rows as CSV pages even from a DuckDB store (the path every other engine takes). */
  pagesOnly?: boolean;
}

export interface TableExport {
  table: string;
  partitionBy: string | null;
  /** Partitions written (new or changed), left as they were (same content), skipped unread. */
  written: number;
  unchanged: number;
  skipped: number;
  rows: number;
  bytes: number;
}

export interface ParquetExportSummary {
  dir: string;
  tables: TableExport[];
}

/**
 * Checks the export folder can be written before anything is read: it, or its nearest existing
 * parent, must be a writable folder. Nothing is created here.
 */
export function checkExportDir(dir: string): string {
  const abs = resolve(dir);
  let p = abs;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  const problem = (() => {
    if (!statSync(p).isDirectory()) return `${p} is a file, not a folder`;
    try {
      accessSync(p, constants.W_OK);
    } catch {
      return `${p} is not writable`;
    }
    return null;
  })();
  if (problem) throw invalidArgument(`--to ${dir}: ${problem}; give a folder you can write to`);
  return abs;
}

/** The tables to export: every exportable one, or the named ones (an unknown name is refused, naming the known). */
export async function selectTables(q: Queryable, names?: readonly string[]): Promise<ExportTable[]> {
  const all = await exportableTables(q);
  if (!names) return all;
  const known = new Map(all.map((t) => [t.name, t]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length)
    throw invalidArgument(
      `--tables: no exportable table ${unknown.map((n) => JSON.stringify(n)).join(', ')}; use some of ${all.map((t) => t.name).join(', ')}`,
    );
  return [...new Set(names)].map((n) => known.get(n)!);
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const partitionFolder = (key: string) => (key === WHOLE_TABLE ? '' : `date=${key}`);

interface PlannedPartition {
  key: string;
  /** The rows' bounds: a day, the null partition, or the whole table. */
  range: { from: Date; to: Date } | 'null' | 'all';
  rows: number;
  complete: boolean;
}

/** Each partition the table has in the window, with its row count now (one grouped count). */
async function plan(
  q: Queryable,
  t: ExportTable,
  o: ParquetExportOptions,
  now: Date,
): Promise<PlannedPartition[]> {
  if (!t.partitionBy) {
    const [r] = await q.query<{ n: number }>(`select count(*) as n from ${t.name}`);
    return [{ key: WHOLE_TABLE, range: 'all', rows: Number(r?.n ?? 0), complete: false }];
  }
  const col = t.partitionBy;
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (o.from) {
    params.push(new Date(Math.floor(o.from.getTime() / DAY) * DAY));
    where.push(`(${col} >= $${params.length}::timestamp or ${col} is null)`);
  }
  if (o.to) {
    params.push(new Date(Math.ceil(o.to.getTime() / DAY) * DAY));
    where.push(`(${col} < $${params.length}::timestamp or ${col} is null)`);
  }
  const rows = await q.query<{ day: Date | null; n: number }>(
    `select cast(date_trunc('day', ${col}) as timestamp) as day, count(*) as n from ${t.name}
     ${where.length ? `where ${where.join(' and ')}` : ''} group by 1 order by 1`,
    params,
  );
  return rows.map((r) =>
    r.day === null
      ? { key: NULL_PARTITION, range: 'null' as const, rows: Number(r.n), complete: false }
      : {
          key: dayKey(r.day),
          range: { from: r.day, to: new Date(r.day.getTime() + DAY) },
          rows: Number(r.n),
          complete: r.day.getTime() + DAY <= now.getTime(),
        },
  );
}

/** A typed parameter for a key column, so both engines compare it as the column's type. */
function keyParam(t: ExportTable, col: string, i: number): string {
  const type = t.columns.find((c) => c.name === col)?.type;
  if (type === 'timestamp') return `$${i}::timestamp`;
  if (type === 'double') return `cast($${i} as double precision)`;
  if (type === 'integer' || type === 'bigint') return `cast($${i} as bigint)`;
  return `$${i}`;
}

/**
 * The partition's rows in primary-key order as CSV (csvLine), a page per statement: keyset
 * pagination (rows after the last key read), so each statement is bounded and no row is read twice.
 */
async function* pages(
  q: Queryable,
  t: ExportTable,
  p: PlannedPartition,
  pageRows: number,
): AsyncGenerator<{ csv: string; rows: number }> {
  const base: string[] = [];
  const baseParams: SqlValue[] = [];
  if (p.range === 'null') base.push(`${t.partitionBy} is null`);
  else if (p.range !== 'all') {
    baseParams.push(p.range.from, p.range.to);
    base.push(`${t.partitionBy} >= $1::timestamp and ${t.partitionBy} < $2::timestamp`);
  }
  const keys = t.key.join(', ');
  const line = csvLine(t.columns);
  let last: ResultRow | null = null;
  for (;;) {
    const where = [...base];
    const params = [...baseParams];
    if (last) {
      // (k1, k2, ...) > (v1, v2, ...), spelt out: both engines, any key length. A null key
      // value cannot occur in a primary key.
      const ors = t.key.map((k, i) => {
        const eqs = t.key.slice(0, i).map((e) => {
          params.push(last![e]!);
          return `${e} = ${keyParam(t, e, params.length)}`;
        });
        params.push(last![k]!);
        return `(${[...eqs, `${k} > ${keyParam(t, k, params.length)}`].join(' and ')})`;
      });
      where.push(`(${ors.join(' or ')})`);
    }
    // One row back: the page's lines joined in key order, its size, and its last key.
    const [page] = await q.query<ResultRow & { csv: string | null; n: number }>(
      `with page as (
         select ${keys}, ${line} as line from ${t.name}
         ${where.length ? `where ${where.join(' and ')}` : ''} order by ${keys} limit ${pageRows}
       ), agg as (select string_agg(line, chr(10) order by ${keys}) as csv, count(*) as n from page)
       select agg.csv, agg.n, ${t.key.map((k) => `l.${k}`).join(', ')}
       from agg left join (select ${keys} from page order by ${t.key.map((k) => `${k} desc`).join(', ')} limit 1) l on true`,
      params,
    );
    const n = Number(page?.n ?? 0);
    if (n > 0) yield { csv: page!.csv!, rows: n };
    if (n < pageRows) return;
    last = page!;
  }
}

/** One partition, in key order, written by the DuckDB store's own COPY; returns its row count. */
async function directCopy(q: Queryable, t: ExportTable, p: PlannedPartition, file: string): Promise<number> {
  const params: SqlValue[] = [];
  let where = '';
  if (p.range === 'null') where = `where ${t.partitionBy} is null`;
  else if (p.range !== 'all') {
    params.push(p.range.from, p.range.to);
    where = `where ${t.partitionBy} >= $1::timestamp and ${t.partitionBy} < $2::timestamp`;
  }
  // Instants as TIMESTAMPTZ, as the writer types them: the same Parquet whichever path wrote it.
  const cols = t.columns
    .map((c) =>
      c.type === 'timestamp'
        ? `cast(${quoteIdent(c.name)} as timestamptz) as ${quoteIdent(c.name)}`
        : quoteIdent(c.name),
    )
    .join(', ');
  const [r] = await q.query<{ Count?: number; count?: number }>(
    `copy (select ${cols} from ${t.name} ${where} order by ${t.key.join(', ')}) to '${file.replace(/'/g, "''")}' (format parquet, compression snappy)`,
    params,
  );
  return Number(r?.Count ?? r?.count ?? 0);
}

function sha256File(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });
}

/** Puts `fresh` where `target` is, so a reader sees the old folder or the new one, never a mix. */
function swapIn(fresh: string, target: string, scratch: string): void {
  mkdirSync(dirname(target), { recursive: true });
  const old = join(scratch, `old-${randomBytes(4).toString('hex')}`);
  const hadOld = existsSync(target);
  if (hadOld) renameSync(target, old);
  try {
    renameSync(fresh, target);
  } catch (e) {
    if (hadOld) renameSync(old, target);
    throw e;
  }
  if (hadOld) rmSync(old, { recursive: true, force: true });
}

/**
 * Writes the warehouse's tables as Hive-partitioned Parquet: DIR/<table>/date=YYYY-MM-DD/
 * part-*.parquet by day of each table's event timestamp (catalog.ts), DIR/<table>/part-*.parquet
 * for a table with none. Re-runs write only what is new: a complete day (ended before the run)
 * that the manifest holds with the same row count is skipped unread; any other partition is
 * written to a scratch folder and, if its content differs from the manifest's, renamed into
 * place. Every partition is whole or absent: a failure leaves what was there before.
 */
export async function exportParquet(q: Queryable, o: ParquetExportOptions): Promise<ParquetExportSummary> {
  const dir = checkExportDir(o.dir);
  const now = o.now ?? new Date();
  const pageRows = o.pageRows ?? 50_000;
  const rowsPerFile = o.rowsPerFile ?? 1_000_000;
  const tables = await selectTables(q, o.tables);
  mkdirSync(dir, { recursive: true });
  const manifest: Manifest = readManifest(dir);
  const scratch = join(dir, TEMP_DIR, `${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(scratch, { recursive: true });
  // A DuckDB store can write Parquet itself (the same COPY the writer would run); any other
  // engine's rows come over as CSV pages into the in-memory DuckDB writer.
  const direct = !o.pagesOnly && 'kind' in q && (q as { kind?: unknown }).kind === 'duckdb';
  const writer = await ParquetWriter.open({ threads: 2, tempDirectory: join(scratch, 'spill') });
  const summary: ParquetExportSummary = { dir, tables: [] };
  try {
    for (const t of tables) {
      const columns = t.columns.map((c) => ({ name: c.name, type: c.type }));
      const prev = manifest.tables[t.name];
      // A changed schema or partitioning makes every earlier partition stale.
      const sameShape =
        prev !== undefined &&
        prev.partition_by === t.partitionBy &&
        JSON.stringify(prev.columns) === JSON.stringify(columns);
      const entry: TableEntry = sameShape ? prev : { partition_by: t.partitionBy, columns, partitions: {} };
      manifest.tables[t.name] = entry;
      const s: TableExport = {
        table: t.name,
        partitionBy: t.partitionBy,
        written: 0,
        unchanged: 0,
        skipped: 0,
        rows: 0,
        bytes: 0,
      };
      summary.tables.push(s);
      const tableDir = join(dir, t.name);
      for (const p of await plan(q, t, o, now)) {
        const had = entry.partitions[p.key];
        const target = join(tableDir, partitionFolder(p.key));
        if (!o.rewrite && p.complete && had?.complete && had.rows === p.rows && existsSync(target)) {
          s.skipped++;
          continue;
        }
        const fresh = join(scratch, t.name, partitionFolder(p.key) || '_whole');
        mkdirSync(fresh, { recursive: true });
        const files: string[] = [];
        let rows = 0;
        if (direct) {
          // The DuckDB store writes the partition itself: DuckDB's own COPY, no rows in between.
          const name = join(fresh, 'part-0.parquet');
          rows = await directCopy(q, t, p, name);
          files.push(name);
        } else {
          const spool = join(scratch, 'spool.csv');
          let spooled = 0;
          const flush = async () => {
            const name = join(fresh, `part-${files.length}.parquet`);
            await writer.write(spool, t.columns, name);
            files.push(name);
            writeFileSync(spool, '');
            spooled = 0;
          };
          writeFileSync(spool, '');
          for await (const page of pages(q, t, p, pageRows)) {
            appendFileSync(spool, page.csv + '\n');
            rows += page.rows;
            spooled += page.rows;
            if (spooled >= rowsPerFile) await flush();
          }
          if (spooled > 0 || files.length === 0) await flush();
        }
        const hashes = await Promise.all(files.map(sha256File));
        const sha256 = createHash('sha256').update(hashes.join('\n')).digest('hex');
        const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
        // Names carry the content's hash: a changed partition gets new file names (file-based
        // loaders such as Auto Loader see a new file, never an overwritten one).
        const names = files.map((_, i) => `part-${i}-${sha256.slice(0, 12)}.parquet`);
        files.forEach((f, i) => renameSync(f, join(fresh, names[i]!)));
        const partition: PartitionEntry = {
          rows,
          files: names,
          bytes,
          sha256,
          written_at: now.toISOString(),
          complete: p.complete,
        };
        if (had?.sha256 === sha256 && existsSync(target) && !o.rewrite) {
          rmSync(fresh, { recursive: true, force: true });
          entry.partitions[p.key] = { ...had, complete: p.complete, rows };
          s.unchanged++;
        } else {
          swapIn(fresh, target, scratch);
          entry.partitions[p.key] = partition;
          s.written++;
          s.rows += rows;
          s.bytes += bytes;
        }
        // After each partition: a run cut short leaves a manifest true to the files.
        writeManifest(dir, manifest);
      }
      writeManifest(dir, manifest);
    }
  } finally {
    writer.close();
    rmSync(scratch, { recursive: true, force: true });
    // The scratch root goes too once no other export is using it.
    try {
      rmdirSync(join(dir, TEMP_DIR));
    } catch {
      /* another run's scratch is still there, or the folder is already gone */
    }
  }
  return summary;
}
