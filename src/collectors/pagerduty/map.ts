import { z } from 'zod';
import type { RecordInput } from '../../domain/records.js';
import { mapService } from './config.js';

const ref = z.object({ id: z.string(), summary: z.string().nullish() }).loose();

/**
 * One incident as REST API v2 returns it (GET /incidents, /incidents/{id}, webhook v3 `data`).
 * Loose: PagerDuty adds fields. Quirks seen in recorded responses: no `resolved_at` on resolved
 * incidents (older API versions), `priority` absent or null, microsecond timestamps.
 */
export const pdIncident = z
  .object({
    id: z.string().min(1),
    incident_number: z.number().int().nullish(),
    title: z.string().nullish(),
    summary: z.string().nullish(),
    status: z.enum(['triggered', 'acknowledged', 'resolved']),
    urgency: z.string().nullish(),
    priority: ref.nullish(),
    service: ref.nullish(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    resolved_at: z.string().nullish(),
    last_status_change_at: z.string().nullish(),
    acknowledgements: z.array(z.object({ at: z.string() }).loose()).nullish(),
    html_url: z.string().nullish(),
  })
  .loose();
export type PdIncident = z.output<typeof pdIncident>;

export const pdLogEntry = z.object({ type: z.string(), created_at: z.string() }).loose();
export type PdLogEntry = z.output<typeof pdLogEntry>;

const ms = (s: string) => Date.parse(s);
const earliest = (xs: string[]) => (xs.length ? xs.reduce((a, b) => (ms(b) < ms(a) ? b : a)) : null);
const latest = (xs: string[]) => (xs.length ? xs.reduce((a, b) => (ms(b) > ms(a) ? b : a)) : null);

/** What tells one version of an incident from the next: a changed one has its log entries re-read. */
export const signature = (i: PdIncident) =>
  `${i.status}|${i.last_status_change_at ?? i.updated_at ?? ''}|${i.priority?.id ?? ''}|${i.urgency ?? ''}`;

/**
 * The warehouse's incident: opened when created, acknowledged at the first acknowledgement of
 * its timeline (it stays acknowledged-once even if it re-escalated to triggered later), resolved
 * at `resolved_at` or, where the API omits it, the last resolve_log_entry; only while resolved.
 */
export function mapPdIncident(
  i: PdIncident,
  log: readonly PdLogEntry[],
  services: Readonly<Record<string, string>>,
): RecordInput<'incident'> {
  const of = (type: string) => log.filter((e) => e.type === type).map((e) => e.created_at);
  const acknowledged = earliest([
    ...of('acknowledge_log_entry'),
    ...(i.acknowledgements ?? []).map((a) => a.at),
  ]);
  const resolved = i.status === 'resolved' ? (i.resolved_at ?? latest(of('resolve_log_entry'))) : null;
  const priority = i.priority?.summary ?? null;
  return {
    kind: 'incident',
    id: `pagerduty:${i.id}`,
    service: mapService(services, i.service?.id ?? null, i.service?.summary ?? null),
    severity: priority ?? i.urgency ?? null,
    title: i.title ?? i.summary ?? '',
    opened_at: i.created_at,
    resolved_at: resolved,
    acknowledged_at: acknowledged,
    urgency: i.urgency ?? null,
    priority,
    url: i.html_url ?? null,
    source: 'pagerduty',
    source_updated_at: i.last_status_change_at ?? i.updated_at ?? i.created_at,
  };
}
