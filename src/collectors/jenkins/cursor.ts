import { z } from 'zod';
import type { CollectorLogger } from '../collector.js';

/** The last build number read to the end, per job full name. */
const cursor = z.object({ v: z.literal(1), jobs: z.record(z.string(), z.number().int().nonnegative()) });
export type JenkinsCursor = z.output<typeof cursor>;

/** A cursor this version cannot read starts over (re-reading builds is idempotent), with a warning. */
export function parseJenkinsCursor(raw: string | null, logger: CollectorLogger): JenkinsCursor | null {
  if (!raw) return null;
  try {
    return cursor.parse(JSON.parse(raw));
  } catch {
    logger.warn({}, 'Jenkins cursor unreadable: reading the newest builds again');
    return null;
  }
}
