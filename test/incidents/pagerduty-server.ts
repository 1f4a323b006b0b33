import { serveJson, pageOf, type TestHttpServer } from './http-kit.js';

/** A PagerDuty incident as the REST API v2 returns it, with its log entries inside (as recorded). */
export type PdModel = Record<string, unknown> & {
  id: string;
  created_at: string;
  service?: { id: string; summary?: string; type?: string };
  log_entries?: { type: string; created_at: string }[];
};

export interface PagerDutyServer extends TestHttpServer {
  incidents: PdModel[];
  /** Requests by kind: list, incident, log_entries. */
  count(kind: 'list' | 'incident' | 'log_entries' | 'account_log_entries'): number;
}

const kindOf = (path: string) =>
  path === '/log_entries'
    ? 'account_log_entries'
    : /\/log_entries$/.test(path)
      ? 'log_entries'
      : /^\/incidents\/[^/]+$/.test(path)
        ? 'incident'
        : path === '/incidents'
          ? 'list'
          : 'other';

/** What the API sends for an incident: no embedded timeline (that is GET /incidents/{id}/log_entries). */
const shown = (i: PdModel) => {
  const { log_entries: _l, alerts: _a, ...rest } = i;
  return rest;
};

/**
 * A PagerDuty-compatible REST API v2 subset on loopback: GET /incidents (since/until on
 * created_at, service_ids[], sort_by created_at, classic offset paging with `more`),
 * GET /incidents/{id}, GET /incidents/{id}/log_entries; the `Token token=` key checked.
 */
export async function startPagerDutyServer(o: {
  incidents: PdModel[];
  token?: string;
}): Promise<PagerDutyServer> {
  const token = o.token ?? 'pd-test-key';
  const incidents = o.incidents;
  const http = await serveJson((hit) => {
    if (hit.authorization !== `Token token=${token}`)
      return { status: 401, body: { error: { message: 'Unauthorized', code: 2006 } } };
    const q = hit.query;
    if (hit.path === '/incidents') {
      const since = q.get('since') ? Date.parse(q.get('since')!) : -Infinity;
      const until = q.get('until') ? Date.parse(q.get('until')!) : Infinity;
      if (until - since > 180 * 86_400_000)
        return {
          status: 400,
          body: {
            error: {
              message: 'Invalid Input Provided',
              code: 2001,
              errors: ['Date range must be within 6 months'],
            },
          },
        };
      const services = q.getAll('service_ids[]');
      const matching = incidents
        .filter((i) => {
          const t = Date.parse(i.created_at);
          return t >= since && t < until && (!services.length || services.includes(i.service?.id ?? ''));
        })
        .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id.localeCompare(b.id));
      const p = pageOf(matching, q);
      return {
        status: 200,
        body: { incidents: p.page.map(shown), limit: p.limit, offset: p.offset, more: p.more, total: null },
      };
    }
    if (hit.path === '/log_entries') {
      // The account's log entries over since/until, newest first, each naming its incident.
      const since = Date.parse(q.get('since') ?? '');
      const until = Date.parse(q.get('until') ?? '');
      if (!Number.isFinite(since) || !Number.isFinite(until) || until - since > 180 * 86_400_000)
        return { status: 400, body: { error: { message: 'Invalid Input Provided', code: 2001 } } };
      const all = incidents
        .flatMap((i) =>
          (i.log_entries ?? []).map((e) => ({ ...e, incident: { id: i.id, type: 'incident_reference' } })),
        )
        .filter((e) => Date.parse(e.created_at) >= since && Date.parse(e.created_at) < until)
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
      const p = pageOf(all, q);
      return {
        status: 200,
        body: { log_entries: p.page, limit: p.limit, offset: p.offset, more: p.more, total: null },
      };
    }
    const one = /^\/incidents\/([^/]+)(\/log_entries)?$/.exec(hit.path);
    const inc = one ? incidents.find((i) => i.id === decodeURIComponent(one[1]!)) : undefined;
    if (!one || !inc) return { status: 404, body: { error: { message: 'Not Found', code: 2100 } } };
    if (!one[2]) return { status: 200, body: { incident: shown(inc) } };
    const entries = [...(inc.log_entries ?? [])].sort(
      (a, b) => Date.parse(b.created_at) - Date.parse(a.created_at),
    );
    const p = pageOf(entries, q);
    return {
      status: 200,
      body: { log_entries: p.page, limit: p.limit, offset: p.offset, more: p.more, total: null },
    };
  });
  return { ...http, incidents, count: (k) => http.hits.filter((h) => kindOf(h.path) === k).length };
}

/** A synthetic incident, in the shape of the recorded ones. */
export function pdIncident(o: {
  id: string;
  service: { id: string; name: string };
  created: string;
  acknowledged?: string;
  resolved?: string;
  urgency?: 'high' | 'low';
  priority?: string;
  title?: string;
}): PdModel {
  const log = [{ type: 'trigger_log_entry', created_at: o.created }];
  if (o.acknowledged) log.push({ type: 'acknowledge_log_entry', created_at: o.acknowledged });
  if (o.resolved) log.push({ type: 'resolve_log_entry', created_at: o.resolved });
  const last = o.resolved ?? o.acknowledged ?? o.created;
  return {
    id: o.id,
    type: 'incident',
    incident_number: Number(o.id.replace(/\D/g, '') || 1),
    title: o.title ?? `incident ${o.id}`,
    status: o.resolved ? 'resolved' : o.acknowledged ? 'acknowledged' : 'triggered',
    urgency: o.urgency ?? 'high',
    priority: o.priority ? { id: `PRI${o.priority}`, type: 'priority', summary: o.priority } : null,
    created_at: o.created,
    last_status_change_at: last,
    ...(o.resolved ? { resolved_at: o.resolved } : {}),
    service: { id: o.service.id, type: 'service_reference', summary: o.service.name },
    acknowledgements: [],
    html_url: `https://demo.pagerduty.com/incidents/${o.id}`,
    log_entries: log,
  };
}

/**
 * Synthetic incidents for the demo org's services: one PagerDuty service per Pitwall service,
 * `perService` incidents each, a day apart, resolved after 1 + k hours, the last one still open.
 */
export function demoPagerDuty(services: readonly string[], end: Date, perService = 3): PdModel[] {
  const out: PdModel[] = [];
  services.forEach((name, s) => {
    for (let k = 0; k < perService; k++) {
      const created = new Date(end.getTime() - (perService - k) * 86_400_000 + s * 60_000);
      const open = k === perService - 1;
      out.push(
        pdIncident({
          id: `Q${s}X${k}`,
          service: { id: `PSVC${s}`, name },
          created: created.toISOString(),
          acknowledged: new Date(created.getTime() + 5 * 60_000).toISOString(),
          ...(open ? {} : { resolved: new Date(created.getTime() + (1 + k) * 3_600_000).toISOString() }),
          urgency: k % 2 ? 'low' : 'high',
          priority: k === 0 ? 'P1' : undefined,
        }),
      );
    }
  });
  return out;
}
