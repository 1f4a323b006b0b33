import { z } from 'zod';
import { instant, objectInOrder, optInstant, optSha, optText, repoName, sha, text } from './common.js';

export const deploymentStatus = z.enum(['success', 'failure', 'in_progress', 'cancelled']);

export const deployment = objectInOrder([['started_at', 'finished_at']], {
  id: text,
  service: text,
  environment: text,
  repo: repoName.nullish().transform((v) => v ?? null),
  sha,
  started_at: instant,
  finished_at: optInstant,
  status: deploymentStatus.default('success'),
  source: z.string().default('manual'),
  /** When the source last changed the deployment (its latest status): orders versions of the row. */
  source_updated_at: optInstant,
});

export const incident = objectInOrder([['opened_at', 'resolved_at']], {
  id: text,
  service: text,
  severity: optText,
  title: z.string().default(''),
  opened_at: instant,
  resolved_at: optInstant,
  caused_by_deployment: optText,
  source: z.string().default('manual'),
  /** First acknowledgement (PagerDuty, Opsgenie timelines); null when never acknowledged or unknown. */
  acknowledged_at: optInstant,
  /** As the incident system names them: PagerDuty urgency high/low, priority P1..; Opsgenie P1..P5. */
  urgency: optText,
  priority: optText,
  url: optText,
  /** When the source last changed the incident: orders versions of the row (webhooks arrive late). */
  source_updated_at: optInstant,
});

export const annotation = z.object({
  id: text,
  occurred_at: instant,
  title: text,
  team: optText,
  repo: optText,
  /** e.g. release, optimisation, incident-review: what sort of dated event this is. */
  category: z.string().default('note'),
  /** The registry metric the change is expected to move (impact analysis), if any. */
  metric: optText,
});

export { optSha };
