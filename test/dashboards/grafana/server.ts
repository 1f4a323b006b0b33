import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Grafana-HTTP-API-compatible server on 127.0.0.1 for the calls Pitwall makes: dashboards by
 * uid (POST /api/dashboards/db, GET /api/dashboards/uid/:uid), search by tag, folders. It checks
 * the service-account bearer token and the request shapes the way Grafana does: a save to an
 * existing uid without `overwrite` must carry the stored version (else 412 version-mismatch),
 * another dashboard's title in the same folder is 412 name-exists, every save adds one to the
 * version, unknown body fields and a missing folder are 400.
 */
export interface StoredDashboard {
  id: number;
  uid: string;
  version: number;
  folderUid: string;
  dashboard: Record<string, unknown>;
  created: string;
  updated: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
  status: number;
}

const SAVE_KEYS = new Set(['dashboard', 'folderUid', 'folderId', 'overwrite', 'message']);
const UID = /^[a-zA-Z0-9_-]{1,40}$/;
const slugOf = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export class GrafanaServer {
  readonly dashboards = new Map<string, StoredDashboard>();
  readonly folders = new Map<string, string>();
  readonly requests: LoggedRequest[] = [];
  private nextId = 1;
  private server: Server | null = null;
  url = '';

  constructor(readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    let body: unknown = undefined;
    const send = (status: number, json: unknown) => {
      this.requests.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        authorization: req.headers.authorization,
        body,
        status,
      });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send(401, { message: 'invalid API key', status: 'unauthorized' });
    if (raw) {
      if (!String(req.headers['content-type']).startsWith('application/json'))
        return send(415, { message: 'content type must be application/json' });
      try {
        body = JSON.parse(raw);
      } catch {
        return send(400, { message: 'bad request data' });
      }
    }
    const m = req.method;
    const dash = url.pathname.match(/^\/api\/dashboards\/uid\/([^/]+)$/);
    const folder = url.pathname.match(/^\/api\/folders\/([^/]+)$/);
    if (m === 'POST' && url.pathname === '/api/dashboards/db') return this.save(body, send);
    if (m === 'GET' && dash) {
      const d = this.dashboards.get(decodeURIComponent(dash[1]!));
      if (!d) return send(404, { message: 'Dashboard not found' });
      const slug = slugOf(String(d.dashboard.title));
      return send(200, {
        dashboard: d.dashboard,
        meta: {
          type: 'db',
          canSave: true,
          slug,
          url: `/d/${d.uid}/${slug}`,
          folderUid: d.folderUid,
          folderTitle: this.folders.get(d.folderUid),
          version: d.version,
          created: d.created,
          updated: d.updated,
          provisioned: false,
        },
      });
    }
    if (m === 'GET' && url.pathname === '/api/search') {
      const tags = url.searchParams.getAll('tag');
      const type = url.searchParams.get('type');
      if (type && type !== 'dash-db' && type !== 'dash-folder')
        return send(400, { message: `unknown type ${type}` });
      const hits = [...this.dashboards.values()]
        .filter((d) => tags.every((t) => ((d.dashboard.tags as string[]) ?? []).includes(t)))
        .map((d) => {
          const slug = slugOf(String(d.dashboard.title));
          return {
            id: d.id,
            uid: d.uid,
            title: d.dashboard.title,
            uri: `db/${slug}`,
            url: `/d/${d.uid}/${slug}`,
            slug: '',
            type: 'dash-db',
            tags: d.dashboard.tags ?? [],
            isStarred: false,
            folderUid: d.folderUid,
            folderTitle: this.folders.get(d.folderUid),
          };
        });
      return send(200, hits);
    }
    if (m === 'GET' && folder) {
      const uid = decodeURIComponent(folder[1]!);
      const title = this.folders.get(uid);
      return title === undefined
        ? send(404, { message: 'folder not found', status: 'not-found' })
        : send(200, { uid, title, id: 1 });
    }
    if (m === 'POST' && url.pathname === '/api/folders') {
      const b = body as { uid?: unknown; title?: unknown };
      if (
        typeof b?.title !== 'string' ||
        !b.title ||
        (b.uid !== undefined && (typeof b.uid !== 'string' || !UID.test(b.uid)))
      )
        return send(400, { message: 'folder needs a title and a valid uid' });
      if (this.folders.has(b.uid as string))
        return send(409, { message: 'a folder with the same uid already exists' });
      this.folders.set(b.uid as string, b.title);
      return send(200, { uid: b.uid, title: b.title, id: this.folders.size });
    }
    return send(404, { message: 'Not found' });
  }

  private save(body: unknown, send: (status: number, json: unknown) => void): void {
    const b = body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return send(400, { message: 'bad request data' });
    const extra = Object.keys(b).filter((k) => !SAVE_KEYS.has(k));
    if (extra.length) return send(400, { message: `unknown fields ${extra.join(', ')}` });
    const d = b.dashboard as Record<string, unknown> | undefined;
    if (!d || typeof d !== 'object') return send(400, { message: 'dashboard is required' });
    if (typeof d.title !== 'string' || !d.title.trim())
      return send(400, { message: 'Dashboard title cannot be empty', status: 'empty-name' });
    if (d.uid !== undefined && (typeof d.uid !== 'string' || !UID.test(d.uid)))
      return send(400, { message: 'uid contains illegal characters or is too long', status: 'bad-uid' });
    if (b.overwrite !== undefined && typeof b.overwrite !== 'boolean')
      return send(400, { message: 'overwrite must be a boolean' });
    const folderUid = (b.folderUid as string | undefined) ?? '';
    if (folderUid && !this.folders.has(folderUid))
      return send(400, { message: 'folder not found', status: 'folder-not-found' });
    const uid = (d.uid as string | undefined) ?? `gen${this.nextId}`;
    const existing = this.dashboards.get(uid);
    const overwrite = b.overwrite === true;
    if (existing && !overwrite && (d.version ?? 0) !== existing.version)
      return send(412, {
        message: 'The dashboard has been changed by someone else',
        status: 'version-mismatch',
      });
    const clash = [...this.dashboards.values()].find(
      (x) => x.uid !== uid && x.folderUid === folderUid && x.dashboard.title === d.title,
    );
    if (clash && !overwrite)
      return send(412, {
        message: 'A dashboard with the same name in the folder already exists',
        status: 'name-exists',
      });
    const now = new Date().toISOString();
    const id = existing?.id ?? this.nextId++;
    const version = existing ? existing.version + 1 : 1;
    this.dashboards.set(uid, {
      id,
      uid,
      version,
      folderUid,
      dashboard: { ...d, id, uid, version },
      created: existing?.created ?? now,
      updated: now,
    });
    const slug = slugOf(d.title);
    send(200, { id, uid, url: `/d/${uid}/${slug}`, status: 'success', version, slug });
  }
}
