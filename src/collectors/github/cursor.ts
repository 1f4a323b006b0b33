import { z } from 'zod';
import type { CollectorLogger } from '../collector.js';

/**
 * What one repository's run remembers (its `sources` row `github:<owner>/<repo>`): how far
 * each stream was read, what was still unfinished, and the ETags of the last responses.
 */
const cursorSchema = z.object({
  version: z.literal(1),
  /** Newest PR `updatedAt` read; the next run reads PRs updated at or after it. */
  prs_updated_at: z.string().nullable(),
  /** Runs created at or after this are listed again (re-runs and unfinished runs live there). */
  runs_since: z.string().nullable(),
  /** run id → signature (attempt, status, updated_at) already collected with its jobs. */
  runs_seen: z.record(z.string(), z.string()),
  deployments_since: z.string().nullable(),
  /** Deployments without a final status yet: their statuses are read again. */
  deployments_pending: z.array(z.number().int()),
  issues_since: z.string().nullable(),
  /** When every stream was last read in full (not skipped by the change probe). */
  swept_at: z.string().nullable(),
  etags: z.record(z.string(), z.string()),
});
export type GitHubCursor = z.output<typeof cursorSchema>;

export const emptyCursor = (): GitHubCursor => ({
  version: 1,
  prs_updated_at: null,
  runs_since: null,
  runs_seen: {},
  deployments_since: null,
  deployments_pending: [],
  issues_since: null,
  swept_at: null,
  etags: {},
});

export function parseCursor(raw: string | null, logger: CollectorLogger): GitHubCursor | null {
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
  logger.warn({ cursor: raw.slice(0, 200) }, 'unreadable github cursor; reading the repository again');
  return null;
}

export const serializeCursor = (c: GitHubCursor): string => JSON.stringify(c);
