import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PitwallError } from '../errors/errors.js';
import type { ColumnType } from './catalog.js';

/** The manifest's file name: a leading underscore, so Spark and DuckDB globs never read it as data. */
export const MANIFEST_FILE = '_pitwall_manifest.json';

/** The partition of rows whose partition column is null (Spark's own name for it; read back as null). */
export const NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';
/** The one partition of a table with no partition column: its files sit in the table's folder. */
export const WHOLE_TABLE = '';

export interface PartitionEntry {
  rows: number;
  files: string[];
  bytes: number;
  /** Of the partition's files' contents, in order: a rewrite with the same hash writes nothing. */
  sha256: string;
  written_at: string;
  /** A day that had ended when it was written: a later run skips it while its row count holds. */
  complete: boolean;
}

export interface TableEntry {
  partition_by: string | null;
  columns: { name: string; type: ColumnType }[];
  partitions: Record<string, PartitionEntry>;
}

export interface Manifest {
  format: 1;
  tables: Record<string, TableEntry>;
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return { format: 1, tables: {} };
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (m.format !== 1 || typeof m.tables !== 'object') throw new Error('unknown format');
    return m;
  } catch (e) {
    throw new PitwallError(
      'invalid_argument',
      `${path} is not a Pitwall export manifest (${(e as Error).message}): export to an empty folder, or delete the file to rewrite every partition`,
    );
  }
}

/** Replaces the manifest atomically: a reader sees the old one or the new one, never half. */
export function writeManifest(dir: string, m: Manifest): void {
  const path = join(dir, MANIFEST_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(m, null, 2) + '\n');
  renameSync(tmp, path);
}
