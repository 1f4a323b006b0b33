import { z } from 'zod';
import type { CollectorLogger } from '../collector.js';

/** What one project's run remembers (its `sources` row `gitlab:<group/project>`). */
const cursorSchema = z.object({
  version: z.literal(1),
  /** Newest merge request `updatedAt` read; the next run asks for those updated after it. */
  mrs_updated_at: z.string().nullable(),
  pipelines_updated_at: z.string().nullable(),
  deployments_updated_at: z.string().nullable(),
  issues_updated_at: z.string().nullable(),
  /** Deployments not finished yet: deployments are read again until they are. */
  pending_deployments: z.array(z.number().int()),
});
export type GitLabCursor = z.output<typeof cursorSchema>;

export const emptyCursor = (): GitLabCursor => ({
  version: 1,
  mrs_updated_at: null,
  pipelines_updated_at: null,
  deployments_updated_at: null,
  issues_updated_at: null,
  pending_deployments: [],
});

export function parseCursor(raw: string | null, logger: CollectorLogger): GitLabCursor | null {
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
  logger.warn({ cursor: raw.slice(0, 200) }, 'unreadable gitlab cursor; reading the project again');
  return null;
}

export const maxIso = (a: string | null, b: string | null | undefined): string | null =>
  !b ? a : a === null ? b : Date.parse(a) >= Date.parse(b) ? a : b;
