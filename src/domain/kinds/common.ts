import { z } from 'zod';
import { instant } from '../time.js';

export { instant };
export const text = z.string().trim().min(1);
export const optText = z
  .string()
  .trim()
  .min(1)
  .nullish()
  .transform((v) => v ?? null);
export const optInstant = instant.nullish().transform((v) => v ?? null);
/** Counts and codes are `integer` columns in both engines: 32-bit signed. */
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
export const int32 = z
  .number()
  .int()
  .min(INT32.min, `expected a 32-bit integer (${INT32.min} to ${INT32.max})`)
  .max(INT32.max, `expected a 32-bit integer (${INT32.min} to ${INT32.max})`);
export const count = z.number().int().nonnegative().max(INT32.max, `expected at most ${INT32.max}`);
export const optCount = count.nullish().transform((v) => v ?? null);
export const flag = z.boolean().default(false);
/** "owner/name": the repository key used everywhere. */
export const repoName = z
  .string()
  .trim()
  .regex(/^[^\s/]+\/[^\s/]+$/, 'expected "owner/name"');
export const sha = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{7,64}$/i, 'expected a hex commit sha')
  .transform((s) => s.toLowerCase());
export const optSha = sha.nullish().transform((v) => v ?? null);
/** Lists and maps are stored as JSON text: both engines read them back the same way. */
export const jsonList = z
  .array(z.string())
  .default([])
  .transform((a) => JSON.stringify(a));
export const jsonMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .default({})
  // Sorted keys: {a,b} and {b,a} are one map, so one text (a metric point's tags are in its key).
  .transform((m) =>
    JSON.stringify(Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))),
  );

/**
 * A check that each `[start, end]` pair of instants in a record is in order (equal is fine: a
 * zero duration). An end before its start has no meaning and would count as a negative duration.
 */
export function inOrder<T extends object>(...pairs: [keyof T & string, keyof T & string][]) {
  return (r: T, ctx: z.RefinementCtx) => {
    for (const [start, end] of pairs) {
      const s = r[start];
      const e = r[end];
      if (s instanceof Date && e instanceof Date && e < s)
        ctx.addIssue({
          code: 'custom',
          path: [end],
          message: `${e.toISOString()} is before ${start} (${s.toISOString()}): it cannot end before it starts`,
        });
    }
  };
}

/** An object schema whose `[start, end]` pairs must be in order (see inOrder). */
export function objectInOrder<S extends z.ZodRawShape>(
  pairs: [keyof S & string, keyof S & string][],
  shape: S,
) {
  return z.object(shape).superRefine(inOrder<z.output<z.ZodObject<S>>>(...(pairs as never[])));
}
