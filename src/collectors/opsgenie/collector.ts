import { z } from 'zod';
import { invalidArgument } from '../../errors/errors.js';
import { instant } from '../../domain/time.js';
import type { AnyRecordInput } from '../../domain/records.js';
import type { Collector, CollectContext, CollectBatch, CollectOutcome } from '../collector.js';
import { emptyIncidentCursor, listStart, parseIncidentCursor, pruneSeen } from '../pagerduty/cursor.js';
import { jsonClient, type JsonClient } from '../pagerduty/http.js';
import { OPSGENIE_API, opsgenieSettings, type OpsgenieConfig } from './config.js';
import {
  mapOgIncident,
  ogIncident,
  ogService,
  ogSignature,
  ogTeamOf,
  ogTimelineEntry,
  type OgIncident,
  type OgTimelineEntry,
} from './map.js';

const options = z
  .object({
    since: instant.optional(),
    /** Base URL for this run, instead of opsgenie.api_url / region. */
    api_url: z.string().url().optional(),
  })
  .strict();

export interface OpsgenieRun {
  client: JsonClient;
  settings: OpsgenieConfig;
  since: Date | null;
}

const listPage = z.object({
  data: z.array(ogIncident),
  paging: z.object({ next: z.string().nullish() }).loose().nullish(),
});
const onePage = z.object({ data: ogIncident });
const timelinePage = z.object({
  data: z.object({ entries: z.array(ogTimelineEntry), nextToken: z.string().nullish() }).loose(),
});
const named = z.object({ data: z.object({ name: z.string().min(1) }).loose() });

function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success)
    throw invalidArgument(
      `Opsgenie ${what} was not in the expected shape: ${r.error.issues[0]?.message ?? ''} at ${r.error.issues[0]?.path.join('.') ?? ''}`,
    );
  return r.data;
}

/** The name of a service or team id, once per run; null when the key may not read it. */
async function nameOf(client: JsonClient, path: string, cache: Map<string, string>, id: string) {
  if (cache.has(id)) return;
  try {
    cache.set(id, parse(named, await client.get(path), 'name').data.name);
  } catch {
    // An unreadable name leaves the incident under its id (or its mapping): never a failed run.
    cache.set(id, id);
  }
}

async function timeline(
  run: OpsgenieRun,
  id: string,
  logger: CollectContext<OpsgenieRun>['logger'],
): Promise<OgTimelineEntry[]> {
  if (!run.settings.timeline) return [];
  const out: OgTimelineEntry[] = [];
  let token: string | null = null;
  try {
    do {
      const q: URLSearchParams = new URLSearchParams(token ? { offset: token } : {});
      const page: z.output<typeof timelinePage> = parse(
        timelinePage,
        await run.client.get(`/v2/incident-timelines/${encodeURIComponent(id)}/entries`, q),
        'timeline',
      );
      out.push(...page.data.entries);
      token = page.data.nextToken ?? null;
    } while (token);
  } catch (e) {
    // The timeline API needs a key with access to it; without, incidents still count (no acknowledgement).
    logger.warn({ incident: id, error: (e as Error).message }, 'Opsgenie incident timeline unreadable');
    return [];
  }
  return out;
}

/** Incidents created since the cursor (less the overlap), then older ones still open; changed ones with their timeline. */
async function* collectOpsgenie(
  ctx: CollectContext<OpsgenieRun>,
): AsyncGenerator<CollectBatch, CollectOutcome, void> {
  const run = ctx.target;
  const previous = parseIncidentCursor(ctx.cursor, ctx.logger);
  const next = previous ? structuredClone(previous) : emptyIncidentCursor();
  const now = new Date();
  const firstRun = run.since ?? new Date(now.getTime() - run.settings.first_run_days * 86_400_000);
  const overlap = run.settings.overlap_hours * 3_600_000;
  const start = listStart(previous, firstRun, overlap);
  const names = { services: new Map<string, string>(), teams: new Map<string, string>() };
  const maps = { services: run.settings.services, teams: run.settings.teams };
  let listed = 0;
  let changed = 0;
  const seenNow = new Set<string>();

  const take = async (incidents: OgIncident[]): Promise<AnyRecordInput[]> => {
    const records: AnyRecordInput[] = [];
    for (const i of incidents) {
      listed++;
      seenNow.add(i.id);
      if (!next.created_since || Date.parse(i.createdAt) > Date.parse(next.created_since))
        next.created_since = i.createdAt;
      if (i.status === 'resolved' || i.status === 'closed') delete next.open[i.id];
      else next.open[i.id] = i.createdAt;
      const sig = ogSignature(i);
      if (previous?.seen[i.id]?.sig === sig) continue;
      changed++;
      const svc = i.impactedServices?.[0];
      const team = ogTeamOf(i);
      if (svc && !maps.services[svc])
        await nameOf(run.client, `/v1/services/${encodeURIComponent(svc)}`, names.services, svc);
      else if (!svc && team && !maps.teams[team])
        await nameOf(run.client, `/v2/teams/${encodeURIComponent(team)}`, names.teams, team);
      records.push(mapOgIncident(i, await timeline(run, i.id, ctx.logger), ogService(i, names, maps)));
      next.seen[i.id] = { created_at: i.createdAt, sig };
    }
    ctx.progress({ unit: 'incidents', done: listed });
    return records;
  };

  const size = run.settings.page_size;
  for (let offset = 0; ; offset += size) {
    const q = new URLSearchParams({
      // Opsgenie's search query: epoch milliseconds compare with createdAt.
      query: `createdAt>=${start.getTime()}`,
      sort: 'createdAt',
      order: 'asc',
      limit: String(size),
      offset: String(offset),
    });
    const page = parse(listPage, await run.client.get('/v1/incidents', q), 'incident list');
    const records = await take(page.data);
    if (records.length) yield { records };
    if (!page.paging?.next || page.data.length < size) break;
  }
  for (const id of Object.keys(previous?.open ?? {})) {
    if (seenNow.has(id)) continue;
    const q = new URLSearchParams({ identifierType: 'id' });
    const one = parse(
      onePage,
      await run.client.get(`/v1/incidents/${encodeURIComponent(id)}`, q),
      'incident',
    );
    const records = await take([one.data]);
    if (records.length) yield { records };
  }
  pruneSeen(next, listStart(next, firstRun, overlap));
  return {
    cursor: JSON.stringify(next),
    facts: {
      incremental: previous !== null,
      listed,
      changed,
      requests: run.client.stats.requests,
      retried: run.client.stats.retried,
    },
  };
}

export const opsgenieCollector = {
  id: 'opsgenie',
  description: 'incidents (impacted service or team, priority, timeline) from Opsgenie, US or EU instance',
  configSchema: options,
  settings: opsgenieSettings,
  async prepare(o, ctx) {
    const key = ctx.env.OPSGENIE_API_KEY?.trim();
    if (!key)
      throw invalidArgument(
        'OPSGENIE_API_KEY is not set: create an API integration in Opsgenie with read access and export its key',
        { field: 'OPSGENIE_API_KEY' },
      );
    const settings = ctx.config.opsgenie;
    const client = jsonClient({
      baseUrl: o.api_url ?? settings.api_url ?? OPSGENIE_API[settings.region],
      headers: { authorization: `GenieKey ${key}` },
      service: 'Opsgenie',
      logger: ctx.logger,
      retryBaseMs: Number(ctx.env.PITWALL_OPSGENIE_RETRY_BASE_MS ?? '') || undefined,
    });
    return { sourceId: `opsgenie:${settings.region}`, target: { client, settings, since: o.since ?? null } };
  },
  collect: collectOpsgenie,
} satisfies Collector<typeof options, OpsgenieRun>;
