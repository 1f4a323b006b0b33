import { z } from 'zod';
import type { CollectorLogger } from '../collector.js';

/**
 * What a PagerDuty or Opsgenie run remembers (its `sources` row): the newest creation time read,
 * the incidents still open (re-read whatever their age, since the list filters on creation), and
 * each recent incident's signature, so an unchanged one costs no timeline request.
 */
const cursorSchema = z.object({
  version: z.literal(1),
  created_since: z.string().nullable(),
  /** incident id → created_at, for incidents not yet resolved. */
  open: z.record(z.string(), z.string()),
  /** incident id → its creation and the signature (status, last change) of the version collected. */
  seen: z.record(z.string(), z.object({ created_at: z.string(), sig: z.string() })),
});
export type IncidentCursor = z.output<typeof cursorSchema>;

export const emptyIncidentCursor = (): IncidentCursor => ({
  version: 1,
  created_since: null,
  open: {},
  seen: {},
});

export function parseIncidentCursor(raw: string | null, logger: CollectorLogger): IncidentCursor | null {
  if (raw === null) return null;
  let json: unknown = null;
  try {
    json = JSON.parse(raw);
  } catch {
    /* reported below */
  }
  const parsed = cursorSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  // An unreadable cursor costs a full read, never a wrong answer: ingest is idempotent.
  logger.warn(
    { cursor: raw.slice(0, 200) },
    'unreadable incident cursor; reading the first-run window again',
  );
  return null;
}

/** Where the next listing starts: the overlap before the newest creation read, or the first-run start. */
export function listStart(c: IncidentCursor | null, firstRun: Date, overlapMs: number): Date {
  if (!c?.created_since) return firstRun;
  return new Date(Date.parse(c.created_since) - overlapMs);
}

/** Keeps signatures only of incidents the next run lists again (created after its start) or still open. */
export function pruneSeen(c: IncidentCursor, nextStart: Date): void {
  for (const [id, v] of Object.entries(c.seen))
    if (!(id in c.open) && Date.parse(v.created_at) < nextStart.getTime()) delete c.seen[id];
}
