import { serveJson, pageOf, type TestHttpServer } from './http-kit.js';

/** An Opsgenie incident as the incident API returns it, with its timeline entries inside (synthetic). */
export type OgModel = Record<string, unknown> & {
  id: string;
  createdAt: string;
  timeline?: { type: string; eventTime: string }[];
};

export interface OpsgenieServer extends TestHttpServer {
  incidents: OgModel[];
  count(kind: 'list' | 'incident' | 'timeline' | 'name'): number;
}

const kindOf = (p: string) =>
  p === '/v1/incidents'
    ? 'list'
    : p.startsWith('/v1/incidents/')
      ? 'incident'
      : p.startsWith('/v2/incident-timelines/')
        ? 'timeline'
        : 'name';

const shown = (i: OgModel) => {
  const { timeline: _t, ...rest } = i;
  return rest;
};

/**
 * An Opsgenie-compatible subset on loopback: GET /v1/incidents (query `createdAt>=ms`, sort
 * createdAt asc/desc, offset paging with paging.next), GET /v1/incidents/{id}, the timeline
 * GET /v2/incident-timelines/{id}/entries, service and team names; `GenieKey` checked.
 */
export async function startOpsgenieServer(o: {
  incidents: OgModel[];
  services?: Record<string, string>;
  teams?: Record<string, string>;
  key?: string;
}): Promise<OpsgenieServer> {
  const key = o.key ?? 'og-test-key';
  const incidents = o.incidents;
  const http = await serveJson((hit) => {
    if (hit.authorization !== `GenieKey ${key}`)
      return { status: 401, body: { message: 'Could not authenticate', took: 0, requestId: 'r' } };
    const q = hit.query;
    if (hit.path === '/v1/incidents') {
      const query = q.get('query') ?? '';
      const m = /^createdAt(>=|>)(\d+)$/.exec(query.trim());
      if (query && !m) return { status: 422, body: { message: `Invalid query: ${query}`, took: 0 } };
      const bound = m ? Number(m[2]) : -Infinity;
      const desc = q.get('order') === 'desc';
      const matching = incidents
        .filter((i) => (m?.[1] === '>' ? Date.parse(i.createdAt) > bound : Date.parse(i.createdAt) >= bound))
        .sort((a, b) => (Date.parse(a.createdAt) - Date.parse(b.createdAt)) * (desc ? -1 : 1));
      const p = pageOf(matching, q);
      const link = (off: number) => {
        const n = new URLSearchParams(q);
        n.set('offset', String(off));
        return `${http.url}/v1/incidents?${n.toString()}`;
      };
      return {
        status: 200,
        body: {
          data: p.page.map(shown),
          paging: { first: link(0), ...(p.more ? { next: link(p.offset + p.limit) } : {}) },
          totalCount: matching.length,
          took: 0.01,
          requestId: 'r',
        },
      };
    }
    let m = /^\/v1\/incidents\/([^/]+)$/.exec(hit.path);
    if (m) {
      const inc = incidents.find((i) => i.id === decodeURIComponent(m![1]!));
      return inc
        ? { status: 200, body: { data: shown(inc), took: 0, requestId: 'r' } }
        : { status: 404, body: { message: 'Incident not found' } };
    }
    m = /^\/v2\/incident-timelines\/([^/]+)\/entries$/.exec(hit.path);
    if (m) {
      const inc = incidents.find((i) => i.id === decodeURIComponent(m![1]!));
      if (!inc) return { status: 404, body: { message: 'Incident not found' } };
      return { status: 200, body: { data: { entries: inc.timeline ?? [] }, took: 0, requestId: 'r' } };
    }
    m = /^\/(v1\/services|v2\/teams)\/([^/]+)$/.exec(hit.path);
    const names = m?.[1] === 'v1/services' ? o.services : o.teams;
    const name = m ? names?.[decodeURIComponent(m[2]!)] : undefined;
    if (name) return { status: 200, body: { data: { id: m![2], name }, took: 0, requestId: 'r' } };
    return { status: 404, body: { message: 'Not found' } };
  });
  return { ...http, incidents, count: (k) => http.hits.filter((h) => kindOf(h.path) === k).length };
}

/** A synthetic incident for a demo service, in the recorded shape. */
export function ogIncident(o: {
  id: string;
  serviceId: string;
  created: string;
  acknowledged?: string;
  resolved?: string;
  priority?: string;
}): OgModel {
  const timeline = [{ type: 'IncidentCreated', eventTime: o.created }];
  if (o.acknowledged) timeline.push({ type: 'IncidentAcknowledged', eventTime: o.acknowledged });
  if (o.resolved) timeline.push({ type: 'IncidentResolved', eventTime: o.resolved });
  return {
    id: o.id,
    tinyId: o.id.slice(-2),
    message: `incident ${o.id}`,
    status: o.resolved ? 'resolved' : 'open',
    priority: o.priority ?? 'P3',
    createdAt: o.created,
    updatedAt: o.resolved ?? o.acknowledged ?? o.created,
    impactedServices: [o.serviceId],
    ownerTeam: '',
    responders: [],
    tags: [],
    extraProperties: {},
    links: {
      web: `https://demo.app.opsgenie.com/incident/detail/${o.id}`,
      api: `https://api.opsgenie.com/v1/incidents/${o.id}`,
    },
    impactStartDate: o.created,
    ...(o.resolved ? { impactEndDate: o.resolved } : {}),
    actions: [],
    timeline,
  };
}
