import { PitwallError, invalidArgument } from '../errors/errors.js';
import type { Queryable, Store } from '../store/store.js';

export interface QuarantineEntry {
  id: string;
  test_id: string | null;
  name_pattern: string | null;
  reason: string;
  added_by: string | null;
  added_at: Date;
  expires_at: Date | null;
}

export type NewEntry = Omit<QuarantineEntry, 'id' | 'added_at'> & { added_at?: Date };

const COLUMNS = ['id', 'test_id', 'name_pattern', 'reason', 'added_by', 'added_at', 'expires_at'] as const;

/** The entry's key says what it matches, so adding the same test or pattern twice updates it. */
export const entryId = (e: Pick<QuarantineEntry, 'test_id' | 'name_pattern'>) =>
  e.test_id ? `id:${e.test_id}` : `name:${e.name_pattern ?? ''}`;

/** Entries in force at `now` (expired ones stay listed but no longer excuse a failure). */
export async function listQuarantine(store: Queryable, now?: Date): Promise<QuarantineEntry[]> {
  const rows = await store.query<QuarantineEntry>(
    `select ${COLUMNS.join(', ')} from quarantine ${now ? 'where expires_at is null or expires_at > $1::timestamp' : ''} order by added_at, id`,
    now ? [now] : [],
  );
  return rows;
}

export async function addQuarantine(store: Store, entries: readonly NewEntry[]): Promise<QuarantineEntry[]> {
  const now = new Date();
  const full = entries.map((e): QuarantineEntry => {
    if (!e.test_id === !e.name_pattern)
      throw new PitwallError('internal', 'a quarantine entry names a test id or a name pattern');
    return { ...e, id: entryId(e), added_at: e.added_at ?? now };
  });
  if (full.length)
    await store.upsert([
      { table: 'quarantine', columns: COLUMNS, key: ['id'], rows: full.map((e) => COLUMNS.map((c) => e[c])) },
    ]);
  return full;
}

/** Removes by entry id, test id or exact pattern; an unknown one is an error (a typo must show). */
export async function removeQuarantine(store: Store, what: string): Promise<number> {
  return store.transaction(async (tx) => {
    const match = `id = $1 or test_id = $1 or name_pattern = $1`;
    const rows = await tx.query<{ id: string }>(`select id from quarantine where ${match}`, [what]);
    if (!rows.length)
      throw invalidArgument(`"${what}" is not quarantined (see: pitwall tests quarantine list)`);
    await tx.query(`delete from quarantine where ${match}`, [what]);
    return rows.length;
  });
}

function globToRegExp(pattern: string): RegExp {
  const esc = pattern
    .replaceAll(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${esc}$`);
}

export interface TestRef {
  test_id: string;
  class_name: string;
  name: string;
}

/** The entry that excuses a test, if any: its id, or a pattern matching "Class.name" or "name". */
export function quarantinedBy(entries: readonly QuarantineEntry[], t: TestRef): QuarantineEntry | null {
  for (const e of entries) {
    if (e.test_id && e.test_id === t.test_id) return e;
    if (e.name_pattern) {
      const re = globToRegExp(e.name_pattern);
      if (re.test(t.class_name ? `${t.class_name}.${t.name}` : t.name) || re.test(t.name)) return e;
    }
  }
  return null;
}
