import { z } from 'zod';
import type { RecordInput } from '../../domain/records.js';
import { mapService } from '../pagerduty/config.js';

/**
 * One incident as Opsgenie's incident API returns it (GET /v1/incidents, /v1/incidents/{id}).
 * Quirks of recorded responses: `ownerTeam` an empty string, resolution only in `impactEndDate`,
 * impacted services and teams as bare ids.
 */
export const ogIncident = z
  .object({
    id: z.string().min(1),
    tinyId: z.string().nullish(),
    message: z.string().nullish(),
    status: z.string(),
    priority: z.string().nullish(),
    createdAt: z.string(),
    updatedAt: z.string().nullish(),
    impactedServices: z.array(z.string()).nullish(),
    ownerTeam: z.string().nullish(),
    responders: z.array(z.object({ type: z.string(), id: z.string() }).loose()).nullish(),
    impactStartDate: z.string().nullish(),
    impactEndDate: z.string().nullish(),
    links: z.object({ web: z.string().nullish() }).loose().nullish(),
  })
  .loose();
export type OgIncident = z.output<typeof ogIncident>;

export const ogTimelineEntry = z.object({ type: z.string(), eventTime: z.string() }).loose();
export type OgTimelineEntry = z.output<typeof ogTimelineEntry>;

export const ogSignature = (i: OgIncident) => `${i.status}|${i.updatedAt ?? ''}|${i.priority ?? ''}`;

/** Names the collector resolved for ids (GET /v1/services/{id}, /v2/teams/{id}); absent: unknown. */
export interface OgNames {
  services: ReadonlyMap<string, string>;
  teams: ReadonlyMap<string, string>;
}

/** Which team answers for it: the owner team, else the first team among its responders. */
export const ogTeamOf = (i: OgIncident): string | null =>
  i.ownerTeam?.trim() || i.responders?.find((r) => r.type === 'team')?.id || null;

/** The Pitwall service: the first impacted service (mapped by id or name), else its team's. */
export function ogService(
  i: OgIncident,
  names: OgNames,
  maps: { services: Readonly<Record<string, string>>; teams: Readonly<Record<string, string>> },
): string {
  const svc = i.impactedServices?.[0];
  if (svc) return mapService(maps.services, svc, names.services.get(svc) ?? null);
  const team = ogTeamOf(i);
  if (team) return mapService(maps.teams, team, names.teams.get(team) ?? null);
  return 'unknown';
}

const ms = (s: string) => Date.parse(s);

/**
 * Opened at the impact start (its creation when absent); acknowledged at the first timeline
 * entry that acknowledges; resolved, once resolved or closed, at the impact end or the last
 * timeline resolution.
 */
export function mapOgIncident(
  i: OgIncident,
  timeline: readonly OgTimelineEntry[],
  service: string,
): RecordInput<'incident'> {
  const times = (re: RegExp) =>
    timeline
      .filter((e) => re.test(e.type))
      .map((e) => e.eventTime)
      .sort((a, b) => ms(a) - ms(b));
  const closed = i.status === 'resolved' || i.status === 'closed';
  const resolved = closed ? (i.impactEndDate ?? times(/resolv|close/i).at(-1) ?? i.updatedAt ?? null) : null;
  return {
    kind: 'incident',
    id: `opsgenie:${i.id}`,
    service,
    severity: i.priority ?? null,
    title: i.message ?? '',
    opened_at: i.impactStartDate ?? i.createdAt,
    resolved_at: resolved,
    acknowledged_at: times(/acknowledg/i)[0] ?? null,
    urgency: null,
    priority: i.priority ?? null,
    url: i.links?.web ?? null,
    source: 'opsgenie',
    source_updated_at: i.updatedAt ?? i.createdAt,
  };
}
