import { z } from 'zod';
import { invalidArgument } from '../../errors/errors.js';
import { instant } from '../../domain/time.js';
import type { AnyRecordInput } from '../../domain/records.js';
import type { Collector, CollectContext, CollectBatch, CollectOutcome } from '../collector.js';
import { pagerdutySettings, type PagerDutyConfig } from './config.js';
import { emptyIncidentCursor, listStart, parseIncidentCursor, pruneSeen } from './cursor.js';
import { jsonClient, type JsonClient } from './http.js';
import { mapPdIncident, pdIncident, pdLogEntry, signature, type PdIncident, type PdLogEntry } from './map.js';

const options = z
  .object({
    /** On a first run, incidents created from this instant on (else pagerduty.first_run_days back). */
    since: instant.optional(),
    /** REST base URL for this run, instead of pagerduty.api_url. */
    api_url: z.string().url().optional(),
    /** Only these PagerDuty services (ids); default every service the key can read. */
    service_ids: z.array(z.string().min(1)).default([]),
  })
  .strict();

export interface PagerDutyRun {
  client: JsonClient;
  settings: PagerDutyConfig;
  since: Date | null;
  serviceIds: string[];
}

const listPage = z.object({
  incidents: z.array(pdIncident),
  more: z.boolean().nullish(),
  offset: z.number().nullish(),
  limit: z.number().nullish(),
});
const logPage = z.object({ log_entries: z.array(pdLogEntry), more: z.boolean().nullish() });
const onePage = z.object({ incident: pdIncident });
const accountLogPage = z.object({
  log_entries: z.array(pdLogEntry.extend({ incident: z.object({ id: z.string() }).loose().nullish() })),
  more: z.boolean().nullish(),
});

/** PagerDuty refuses a since/until range over six months: longer ones are read in steps. */
const MAX_RANGE_MS = 179 * 86_400_000;

function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success)
    throw invalidArgument(
      `PagerDuty ${what} was not in the expected shape: ${r.error.issues[0]?.message ?? ''} at ${r.error.issues[0]?.path.join('.') ?? ''}`,
    );
  return r.data;
}

/** Classic offset pagination: pages until `more` is false. */
async function* offsetPages<T>(
  client: JsonClient,
  path: string,
  query: URLSearchParams,
  pageSize: number,
  read: (body: unknown) => { items: T[]; more: boolean },
): AsyncGenerator<T[]> {
  for (let offset = 0; ; offset += pageSize) {
    const q = new URLSearchParams(query);
    q.set('limit', String(pageSize));
    q.set('offset', String(offset));
    const page = read(await client.get(path, q));
    if (page.items.length) yield page.items;
    if (!page.more || !page.items.length) return;
  }
}

async function logEntries(run: PagerDutyRun, id: string): Promise<PdLogEntry[]> {
  const out: PdLogEntry[] = [];
  const q = new URLSearchParams({ is_overview: 'true', time_zone: 'UTC' });
  for await (const page of offsetPages(
    run.client,
    `/incidents/${encodeURIComponent(id)}/log_entries`,
    q,
    100,
    (b) => {
      const p = parse(logPage, b, 'log entries');
      return { items: p.log_entries, more: !!p.more };
    },
  ))
    out.push(...page);
  return out;
}

/** The account's log entries from the earliest pending incident's creation on, by incident id. */
async function accountLogEntries(
  run: PagerDutyRun,
  pending: readonly PdIncident[],
  now: Date,
): Promise<Map<string, PdLogEntry[]>> {
  const wanted = new Set(pending.map((i) => i.id));
  const from = Math.min(...pending.map((i) => Date.parse(i.created_at)));
  const out = new Map<string, PdLogEntry[]>();
  for (let t = from; t <= now.getTime(); t += MAX_RANGE_MS) {
    const q = new URLSearchParams({
      since: new Date(t).toISOString(),
      until: new Date(Math.min(t + MAX_RANGE_MS, now.getTime() + 1000)).toISOString(),
      is_overview: 'true',
      time_zone: 'UTC',
    });
    for await (const page of offsetPages(run.client, '/log_entries', q, 100, (b) => {
      const p = parse(accountLogPage, b, 'log entries');
      return { items: p.log_entries, more: !!p.more };
    }))
      for (const e of page) {
        const id = e.incident?.id;
        if (!id || !wanted.has(id)) continue;
        out.set(id, [...(out.get(id) ?? []), e]);
      }
  }
  return out;
}

/**
 * Incidents created since the cursor (less the overlap, for late acknowledgements and
 * resolutions), then the incidents still open from before that, one by one. An incident whose
 * signature is unchanged since the last run is skipped; a new or changed one has its log
 * entries read for the timeline.
 */
async function* collectPagerDuty(
  ctx: CollectContext<PagerDutyRun>,
): AsyncGenerator<CollectBatch, CollectOutcome, void> {
  const run = ctx.target;
  const previous = parseIncidentCursor(ctx.cursor, ctx.logger);
  const next = previous ? structuredClone(previous) : emptyIncidentCursor();
  const now = new Date();
  const firstRun = run.since ?? new Date(now.getTime() - run.settings.first_run_days * 86_400_000);
  const start = listStart(previous, firstRun, run.settings.overlap_hours * 3_600_000);
  let listed = 0;
  const seenNow = new Set<string>();
  /** New or changed incidents, whose timeline is read once listing is done. */
  const pending: PdIncident[] = [];

  const note = (i: PdIncident) => {
    listed++;
    seenNow.add(i.id);
    if (!next.created_since || Date.parse(i.created_at) > Date.parse(next.created_since))
      next.created_since = i.created_at;
    if (i.status === 'resolved') delete next.open[i.id];
    else next.open[i.id] = i.created_at;
    if (previous?.seen[i.id]?.sig !== signature(i)) pending.push(i);
  };

  for (let from = start.getTime(); from < now.getTime(); from += MAX_RANGE_MS) {
    const q = new URLSearchParams({
      since: new Date(from).toISOString(),
      until: new Date(Math.min(from + MAX_RANGE_MS, now.getTime())).toISOString(),
      sort_by: 'created_at:asc',
      time_zone: 'UTC',
    });
    for (const s of run.serviceIds) q.append('service_ids[]', s);
    for await (const page of offsetPages(run.client, '/incidents', q, run.settings.page_size, (b) => {
      const p = parse(listPage, b, 'incident list');
      return { items: p.incidents, more: !!p.more };
    }))
      page.forEach(note);
    ctx.progress({ unit: 'incidents', done: listed });
  }
  // Open incidents created before the listing's start: their resolution would not be listed.
  for (const id of Object.keys(previous?.open ?? {})) {
    if (seenNow.has(id)) continue;
    note(parse(onePage, await run.client.get(`/incidents/${encodeURIComponent(id)}`), 'incident').incident);
  }

  // Many changed incidents (a first run): the account's log entries over their span, 100 a
  // request, cost far fewer requests than one listing per incident. The account-wide listing
  // cannot filter by service, so a run limited to services reads per incident.
  const accountWide = !run.serviceIds.length && pending.length >= run.settings.account_log_entries_from;
  const logs = accountWide ? await accountLogEntries(run, pending, now) : null;
  for (let k = 0; k < pending.length; k += run.settings.page_size) {
    const records: AnyRecordInput[] = [];
    for (const i of pending.slice(k, k + run.settings.page_size)) {
      const log = logs ? (logs.get(i.id) ?? []) : await logEntries(run, i.id);
      records.push(mapPdIncident(i, log, run.settings.services));
      next.seen[i.id] = { created_at: i.created_at, sig: signature(i) };
    }
    yield { records };
  }
  const changed = pending.length;
  pruneSeen(next, listStart(next, firstRun, run.settings.overlap_hours * 3_600_000));
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

export const pagerdutyCollector = {
  id: 'pagerduty',
  description:
    'incidents (service, urgency, priority, acknowledged and resolved from the log entries) from PagerDuty',
  configSchema: options,
  settings: pagerdutySettings,
  async prepare(o, ctx) {
    const token = ctx.env.PAGERDUTY_TOKEN?.trim();
    if (!token)
      throw invalidArgument(
        'PAGERDUTY_TOKEN is not set: create a read-only REST API key in PagerDuty (Integrations → API Access Keys) and export it',
        { field: 'PAGERDUTY_TOKEN' },
      );
    const settings = ctx.config.pagerduty;
    const retryBaseMs = Number(ctx.env.PITWALL_PAGERDUTY_RETRY_BASE_MS ?? '') || undefined;
    const client = jsonClient({
      baseUrl: o.api_url ?? settings.api_url,
      // Version 2 of the REST API, with the key in PagerDuty's token scheme.
      headers: { authorization: `Token token=${token}`, accept: 'application/vnd.pagerduty+json;version=2' },
      service: 'PagerDuty',
      logger: ctx.logger,
      retryBaseMs,
    });
    const serviceIds = [...o.service_ids].sort();
    return {
      sourceId: serviceIds.length ? `pagerduty:${serviceIds.join(',')}` : 'pagerduty',
      target: { client, settings, since: o.since ?? null, serviceIds },
    };
  },
  collect: collectPagerDuty,
} satisfies Collector<typeof options, PagerDutyRun>;
