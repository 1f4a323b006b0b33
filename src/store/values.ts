import { toSqlInstant } from '../domain/time.js';
import type { SqlValue } from './store.js';

/** Parameters go to both engines in the same form: instants as UTC timestamp text. */
export function toParam(v: SqlValue): string | number | boolean | null {
  return v instanceof Date ? toSqlInstant(v) : v;
}

/** Result values come back as plain JS: numbers (not bigint or numeric strings), Dates, strings. */
export function fromDriverValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v instanceof Date) return v;
  return String(v);
}
