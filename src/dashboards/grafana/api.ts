import type { Dashboard } from '@grafana/schema';
import { PitwallError } from '../../errors/errors.js';

/**
 * Grafana's HTTP API, the calls `push`, `pull` and `list` need, authenticated with a service
 * account token (`Authorization: Bearer`). The token is never part of a message or an error.
 */
export interface GrafanaSettings {
  url: string;
  token: string;
  /** The folder dashboards go in (created on first push when missing). */
  folderUid: string;
}

export const DEFAULT_FOLDER_UID = 'pitwall';

/** GRAFANA_URL, GRAFANA_TOKEN and GRAFANA_FOLDER (default `pitwall`) from the environment. */
export function grafanaSettings(env: Readonly<Record<string, string | undefined>>): GrafanaSettings {
  const url = env.GRAFANA_URL?.trim();
  const token = env.GRAFANA_TOKEN?.trim();
  const missing = [
    !url && 'GRAFANA_URL (e.g. https://grafana.example.com)',
    !token && 'GRAFANA_TOKEN (a service account token with the Editor role)',
  ].filter(Boolean);
  if (missing.length)
    throw new PitwallError('invalid_config', `Grafana needs ${missing.join(' and ')} in the environment`);
  let parsed: URL;
  try {
    parsed = new URL(url!);
  } catch {
    throw new PitwallError(
      'invalid_config',
      `GRAFANA_URL "${url}" is not a URL: give one like https://grafana.example.com`,
    );
  }
  if (!/^https?:$/.test(parsed.protocol))
    throw new PitwallError('invalid_config', `GRAFANA_URL must be http(s), not ${parsed.protocol}`);
  const folderUid = env.GRAFANA_FOLDER?.trim() || DEFAULT_FOLDER_UID;
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(folderUid))
    throw new PitwallError(
      'invalid_config',
      `GRAFANA_FOLDER "${folderUid}" is not a folder uid (letters, digits, - and _, at most 40)`,
    );
  return { url: parsed.toString().replace(/\/+$/, ''), token: token!, folderUid };
}

export interface SavedDashboard {
  dashboard: Dashboard & { version?: number; id?: number | null };
  meta: { folderUid?: string; url?: string; version?: number; updated?: string };
}

export interface SearchHit {
  uid: string;
  title: string;
  url?: string;
  tags?: string[];
  type?: string;
  folderUid?: string;
}

export class GrafanaClient {
  constructor(
    private readonly s: GrafanaSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get baseUrl(): string {
    return this.s.url;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.s.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.s.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new PitwallError(
        'internal',
        `Grafana at ${this.s.url} did not answer ${method} ${path}: ${(e as Error).message}`,
      );
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.status === 404) return { status: 404, json: json as T };
    if (!res.ok) {
      const why = (json as { message?: string } | null)?.message ?? text.slice(0, 200);
      const hint =
        res.status === 401
          ? ': check GRAFANA_TOKEN (a service account token of this Grafana)'
          : res.status === 403
            ? ': the service account needs the Editor role (or dashboard write on the folder)'
            : '';
      throw new PitwallError(
        res.status === 401 || res.status === 403 ? 'unauthorized' : 'internal',
        `Grafana answered ${res.status} to ${method} ${path}: ${why}${hint}`,
      );
    }
    return { status: res.status, json: json as T };
  }

  async getDashboard(uid: string): Promise<SavedDashboard | null> {
    const r = await this.call<SavedDashboard>('GET', `/api/dashboards/uid/${encodeURIComponent(uid)}`);
    return r.status === 404 ? null : r.json;
  }

  /** Creates the folder unless it exists. */
  async ensureFolder(uid: string, title: string): Promise<void> {
    const r = await this.call('GET', `/api/folders/${encodeURIComponent(uid)}`);
    if (r.status === 404) await this.call('POST', '/api/folders', { uid, title });
  }

  /** Saves by uid: `overwrite` replaces whatever version is there (Grafana then adds one to it). */
  async saveDashboard(
    dashboard: Dashboard,
    opts: { folderUid: string; overwrite: boolean; message: string },
  ): Promise<{ uid: string; url: string; version: number; status: string }> {
    const r = await this.call<{ uid: string; url: string; version: number; status: string }>(
      'POST',
      '/api/dashboards/db',
      {
        dashboard,
        folderUid: opts.folderUid,
        overwrite: opts.overwrite,
        message: opts.message,
      },
    );
    if (r.status === 404)
      throw new PitwallError(
        'internal',
        `Grafana answered 404 to POST /api/dashboards/db: is ${this.s.url} a Grafana?`,
      );
    return r.json;
  }

  async search(tag: string): Promise<SearchHit[]> {
    const r = await this.call<SearchHit[]>('GET', `/api/search?tag=${encodeURIComponent(tag)}&type=dash-db`);
    return r.status === 404 ? [] : (r.json ?? []);
  }
}
