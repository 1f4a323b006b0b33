import { z } from 'zod';
import type { CollectorLogger } from '../collector.js';

/**
 * What a git run remembers: the commit every ref pointed at. The next run logs only commits
 * reachable from the new tips and not from these (`git log <new> --not <old>`), and re-emits
 * only tags whose target changed.
 */
const cursorSchema = z.object({
  version: z.literal(1),
  tips: z.record(z.string(), z.string().regex(/^[0-9a-f]{7,64}$/)),
});
export type GitCursor = z.output<typeof cursorSchema>;

export function parseCursor(raw: string | null, logger: CollectorLogger): GitCursor | null {
  if (raw === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = null;
  }
  const parsed = cursorSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  // A cursor from an unknown version costs a full re-read, never a wrong answer: ingest is idempotent.
  logger.warn({ cursor: raw.slice(0, 200) }, 'unreadable git cursor; reading the whole history again');
  return null;
}

export function serializeCursor(tips: Record<string, string>): string {
  return JSON.stringify({ version: 1, tips } satisfies GitCursor);
}
