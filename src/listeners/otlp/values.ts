import type { AnyValue, Int64, KeyValue } from './types.js';

/** What a record's attribute or tag map holds (the `jsonMap` of the domain). */
export type Scalar = string | number | boolean | null;
export type Attributes = Record<string, Scalar>;

/**
 * An int64 as a JS number when it fits exactly, else as its decimal text (nothing is rounded
 * silently: a 2^53+ id stays what it was).
 */
export function int64(v: Int64): number | string {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const s = typeof v === 'string' ? v : v.toString();
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

/** A count (bucket counts, point counts): int64 as a number; counts past 2^53 lose precision. */
export const count = (v: Int64): number => Number(int64(v));

/** An AnyValue as one scalar: arrays, maps and bytes as their JSON text. */
export function scalar(v: AnyValue | null | undefined): Scalar {
  if (!v) return null;
  if (v.stringValue !== null && v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== null && v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== null && v.intValue !== undefined) return int64(v.intValue);
  if (v.doubleValue !== null && v.doubleValue !== undefined)
    return Number.isFinite(v.doubleValue) ? v.doubleValue : String(v.doubleValue);
  if (v.bytesValue) return Buffer.from(v.bytesValue).toString('base64');
  if (v.arrayValue || v.kvlistValue) return JSON.stringify(plain(v));
  return null;
}

function plain(v: AnyValue | null | undefined): unknown {
  if (!v) return null;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(plain);
  if (v.kvlistValue)
    return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key ?? '', plain(kv.value)]));
  return scalar(v);
}

export function attributes(kvs: KeyValue[] | null | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of kvs ?? []) if (kv.key) out[kv.key] = scalar(kv.value);
  return out;
}

/** Unix nanoseconds to an ISO instant (millisecond precision, as the stores keep time); 0 = unset. */
export function instantOf(nanos: Int64): string | null {
  const ms = millisOf(nanos);
  if (ms === null || ms <= 0) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Nanoseconds to whole milliseconds, exactly: a double cannot hold today's nanosecond instants
 * (about 1.8e18), so the Long's two halves go through BigInt (its toString is far slower).
 */
function millisOf(nanos: Int64): number | null {
  if (nanos === null || nanos === undefined) return null;
  if (typeof nanos === 'number') return Math.floor(nanos / 1e6);
  if (typeof nanos === 'object' && 'low' in nanos && 'high' in nanos) {
    const { low, high } = nanos as { low: number; high: number };
    return Number(((BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)) / 1_000_000n);
  }
  const s = nanos.toString();
  return /^\d+$/.test(s) ? Number(BigInt(s) / 1_000_000n) : null;
}

/** Ids as lowercase hex; an all-zero or missing id is none. */
export function hexId(bytes: Uint8Array | null | undefined): string | null {
  if (!bytes || bytes.length === 0) return null;
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return /^0+$/.test(hex) ? null : hex;
}

/** The first attribute present (a non-empty scalar) among keys, looked up in order in each map. */
export function pick(maps: readonly Attributes[], keys: readonly string[]): string | null {
  for (const key of keys)
    for (const m of maps) {
      const v = m[key];
      if (v !== null && v !== undefined && String(v).trim() !== '') return String(v).trim();
    }
  return null;
}
