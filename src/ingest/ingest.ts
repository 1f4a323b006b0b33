import { PitwallError } from '../errors/errors.js';
import { recordKinds, type RecordKind } from '../domain/records.js';
import { storableProblems } from '../domain/storable.js';
import type { SqlValue, Store, TableWrite } from '../store/store.js';
import { changeMarks } from './changes.js';

export interface RecordProblem {
  index: number;
  kind: string | null;
  field: string;
  reason: string;
}

export interface IngestResult {
  /** Rows written per kind (after de-duplication inside the batch). */
  written: Partial<Record<RecordKind, number>>;
  total: number;
}

/** A validated record: its row, and the columns its source sent (the only ones it may update). */
export interface ValidRow {
  values: SqlValue[];
  known: readonly string[];
}

/** Validates and normalises a batch; every problem is reported, nothing is written. */
export function validateRecords(records: readonly unknown[]): {
  rows: Map<RecordKind, Map<string, ValidRow>>;
  problems: RecordProblem[];
} {
  const rows = new Map<RecordKind, Map<string, ValidRow>>();
  const problems: RecordProblem[] = [];
  records.forEach((rec, index) => {
    const kindName = rec && typeof rec === 'object' ? (rec as { kind?: unknown }).kind : undefined;
    if (typeof kindName !== 'string' || !Object.hasOwn(recordKinds, kindName)) {
      problems.push({
        index,
        kind: typeof kindName === 'string' ? kindName : null,
        field: 'kind',
        reason: `expected one of ${Object.keys(recordKinds).join(', ')}`,
      });
      return;
    }
    const k = recordKinds[kindName as RecordKind];
    const parsed = k.schema.safeParse(rec);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({
          index,
          kind: kindName,
          field: issue.path.join('.') || '(record)',
          reason: issue.message,
        });
      return;
    }
    const data = parsed.data as Record<string, SqlValue>;
    const unstorable = storableProblems(rec as Record<string, unknown>, data, k.columns, k.key);
    if (unstorable.length) {
      for (const p of unstorable) problems.push({ index, kind: kindName, ...p });
      return;
    }
    const values = k.columns.map((c) => data[c] ?? null);
    // A field the record left out is one its source does not know: a new row takes the
    // default, an existing row keeps what it has (another source, or enrichment, wrote it).
    const sent = rec as Record<string, unknown>;
    const known = k.columns.filter((c) => sent[c] !== undefined);
    const key = JSON.stringify(k.key.map((c) => data[c] ?? null));
    let byKey = rows.get(kindName as RecordKind);
    if (!byKey) rows.set(kindName as RecordKind, (byKey = new Map()));
    // The same natural key twice in a batch: the later record is the newer version.
    byKey.delete(key);
    byKey.set(key, { values, known });
  });
  return { rows, problems };
}

export function describeProblems(problems: readonly RecordProblem[]): string {
  const first = problems[0]!;
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return `record ${first.index}${first.kind ? ` (${first.kind})` : ''}: ${first.field}: ${first.reason}${more}; nothing was written`;
}

/** A store, or a transaction's handle (several batches that commit together). */
export type Writer = Pick<Store, 'upsert'>;

/**
 * The one write path: validate -> normalise -> upsert by natural key, all in one transaction.
 * A batch with any bad record is rejected whole, naming the record index, field and reason.
 */
export async function ingest(store: Writer, records: readonly unknown[]): Promise<IngestResult> {
  const prepared = prepareWrites(records);
  await store.upsert(prepared.writes);
  return prepared.result;
}

/**
 * Ingests a stream of batches, each its own transaction. (Validating the next batch while the
 * store writes the previous one was measured slower on 2 cores: both compete for the CPU.)
 */
export async function ingestBatches(
  store: Store,
  batches: Iterable<readonly unknown[]>,
  onBatch?: (written: number) => void,
): Promise<number> {
  let total = 0;
  for (const batch of batches) {
    total += (await ingest(store, batch)).total;
    onBatch?.(total);
  }
  return total;
}

/** Validates a batch into table writes; throws invalid_records (nothing written) on any problem. */
export function prepareWrites(records: readonly unknown[]): { writes: TableWrite[]; result: IngestResult } {
  const { rows, problems } = validateRecords(records);
  if (problems.length) throw new PitwallError('invalid_records', describeProblems(problems), { problems });
  const writes: TableWrite[] = [];
  const written: IngestResult['written'] = {};
  let total = 0;
  for (const [kind, byKey] of rows) {
    const k = recordKinds[kind];
    // One write per set of sent columns, so each row updates only what its source knows.
    const bySent = new Map<string, { known: readonly string[]; rows: SqlValue[][] }>();
    for (const r of byKey.values()) {
      const sig = r.known.join(',');
      let group = bySent.get(sig);
      if (!group) bySent.set(sig, (group = { known: r.known, rows: [] }));
      group.rows.push(r.values);
    }
    for (const g of bySent.values())
      writes.push({
        table: k.table,
        columns: k.columns,
        key: k.key,
        rows: g.rows,
        update: g.known,
        ...(k.newerBy && { newerBy: k.newerBy }),
      });
    written[kind] = byKey.size;
    total += byKey.size;
  }
  if (writes.length) writes.push(changeMarks(writes.map((w) => w.table)));
  return { writes, result: { written, total } };
}
