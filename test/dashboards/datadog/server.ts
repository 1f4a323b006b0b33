import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { v1 } from '@datadog/datadog-api-client';

/**
 * A Datadog dashboards API (v1) on 127.0.0.1: list, create, get, update and delete under
 * /api/v1/dashboard, checking DD-API-KEY and DD-APPLICATION-KEY. Every body is validated with
 * the official client's own ObjectSerializer and models: an unknown widget type or enum value
 * (what the serializer leaves unparsed), a field no model declares, or a missing required
 * field is a 400 with Datadog's `{"errors": [...]}` envelope. Like Datadog it assigns the
 * dashboard id, url, author and times, and an id to every widget, and keeps them on update.
 * `edit` changes a stored dashboard the way someone in the Datadog UI would.
 */

export interface Received {
  method: string;
  path: string;
  status: number;
}

export interface FakeDatadogDashboards {
  url: string;
  apiKey: string;
  appKey: string;
  requests: Received[];
  /** The stored dashboards by id, in API JSON (snake_case). */
  stored: Map<string, Record<string, unknown>>;
  /** Statuses to answer the next requests with, before serving again (429s, 5xx). */
  faults: number[];
  edit(id: string, change: (d: Record<string, unknown>) => void): void;
  close(): Promise<void>;
}

/** What the client's models make of a body: problems with their JSON paths. */
export function bodyProblems(body: unknown): string[] {
  let model: unknown;
  try {
    model = v1.ObjectSerializer.deserialize(body, 'Dashboard', '');
  } catch (e) {
    return [(e as Error).message];
  }
  const out: string[] = [];
  const visit = (v: unknown, path: string) => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, `${path}[${i}]`));
    if (typeof v !== 'object' || v === null || v instanceof Date) return;
    const o = v as Record<string, unknown>;
    if (o.constructor?.name === 'UnparsedObject') return out.push(`${path}: not a value the API accepts`);
    const extra = o['additionalProperties'] as object | undefined;
    if (extra && Object.keys(extra).length)
      out.push(`${path}: unknown field(s) ${Object.keys(extra).join(', ')}`);
    for (const [k, x] of Object.entries(o)) if (k !== 'additionalProperties') visit(x, `${path}.${k}`);
  };
  visit(model, '$');
  return out;
}

const dashId = () => {
  const part = () => randomBytes(3).toString('hex').slice(0, 3);
  return `${part()}-${part()}-${part()}`;
};

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export async function startFakeDatadogDashboards(): Promise<FakeDatadogDashboards> {
  const apiKey = `api-${randomBytes(8).toString('hex')}`;
  const appKey = `app-${randomBytes(8).toString('hex')}`;
  const stored = new Map<string, Record<string, unknown>>();
  const requests: Received[] = [];
  const faults: number[] = [];
  let nextWidgetId = 1000;

  // Datadog numbers each widget (groups' children too) and keeps an id a body already carries.
  const numberWidgets = (widgets: unknown) => {
    if (!Array.isArray(widgets)) return;
    for (const w of widgets as Record<string, unknown>[]) {
      if (typeof w['id'] !== 'number') w['id'] = nextWidgetId++;
      const def = w['definition'] as Record<string, unknown> | undefined;
      if (def?.['type'] === 'group') numberWidgets(def['widgets']);
    }
  };

  const summary = (d: Record<string, unknown>) => ({
    id: d['id'],
    title: d['title'],
    description: d['description'] ?? null,
    layout_type: d['layout_type'],
    url: d['url'],
    is_read_only: false,
    created_at: d['created_at'],
    modified_at: d['modified_at'],
    author_handle: d['author_handle'],
  });

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const read = (req: IncomingMessage) =>
    new Promise<string>((ok, fail) => {
      let s = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (s += c));
      req.on('end', () => ok(s));
      req.on('error', fail);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const fault = faults.shift();
    if (fault !== undefined) {
      res.writeHead(fault, { 'content-type': 'application/json', 'x-ratelimit-reset': '0' });
      const said =
        fault === 429 ? 'Rate limit exceeded' : fault >= 500 ? 'Internal Server Error' : 'Invalid query';
      res.end(JSON.stringify({ errors: [said] }));
      return fault;
    }
    if (req.headers['dd-api-key'] !== apiKey || req.headers['dd-application-key'] !== appKey) {
      send(res, 403, { errors: ['Forbidden'] });
      return 403;
    }
    const m = /^\/api\/v1\/dashboard(?:\/([a-z0-9-]+))?$/.exec(url.pathname);
    if (!m) {
      send(res, 404, { errors: ['Not found'] });
      return 404;
    }
    const id = m[1];
    const now = new Date().toISOString();
    if (!id && req.method === 'GET') {
      const all = [...stored.values()].map(summary);
      const start = Number(url.searchParams.get('start') ?? 0);
      const count = Number(url.searchParams.get('count') ?? all.length);
      send(res, 200, { dashboards: all.slice(start, start + count) });
      return 200;
    }
    if (req.method === 'POST' || req.method === 'PUT') {
      if (req.method === 'POST' && id) return (send(res, 405, { errors: ['Method Not Allowed'] }), 405);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await read(req)) as Record<string, unknown>;
      } catch {
        send(res, 400, { errors: ['Invalid JSON'] });
        return 400;
      }
      const problems = bodyProblems(body);
      if (problems.length) {
        send(res, 400, { errors: problems });
        return 400;
      }
      const before = id ? stored.get(id) : undefined;
      if (id && !before) return (send(res, 404, { errors: ['Dashboard not found'] }), 404);
      const newId = before ? (before['id'] as string) : dashId();
      const saved: Record<string, unknown> = {
        ...body,
        id: newId,
        url: `/dashboard/${newId}/${slug(String(body['title']))}`,
        author_handle: 'pitwall@example.com',
        author_name: 'Pitwall',
        created_at: before?.['created_at'] ?? now,
        modified_at: now,
      };
      numberWidgets(saved['widgets']);
      stored.set(newId, saved);
      send(res, 200, saved);
      return 200;
    }
    const found = id ? stored.get(id) : undefined;
    if (!found) return (send(res, 404, { errors: ['Dashboard not found'] }), 404);
    if (req.method === 'GET') return (send(res, 200, found), 200);
    if (req.method === 'DELETE') {
      stored.delete(id!);
      send(res, 200, { deleted_dashboard_id: id });
      return 200;
    }
    send(res, 405, { errors: ['Method Not Allowed'] });
    return 405;
  };

  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) => requests.push({ method: req.method ?? '', path: req.url ?? '', status }),
      (e: unknown) => send(res, 500, { errors: [String(e)] }),
    );
  });
  // Node closes an idle kept-alive socket after 5 s; a request the client sends on it just then
  // fails with ECONNRESET. A loaded test machine hits that window, so keep sockets longer.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    appKey,
    requests,
    stored,
    faults,
    edit(id, change) {
      const d = stored.get(id);
      if (!d) throw new Error(`no dashboard ${id}`);
      change(d);
      d['modified_at'] = new Date().toISOString();
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
