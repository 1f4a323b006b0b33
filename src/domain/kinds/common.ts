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
export const count = z.number().int().nonnegative();
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
