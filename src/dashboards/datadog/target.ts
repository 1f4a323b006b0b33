import { v1 } from '@datadog/datadog-api-client';
import { invalidArgument, PitwallError } from '../../errors/errors.js';
import type { DashboardSpec } from '../model.js';
import type { DashboardTarget, ListedDashboard, TargetContext } from '../targets.js';
import { dashboardsApi, dashboardUrl } from './api.js';
import { buildDatadogDashboard, unexportedGroupBys, type DatadogDashboard } from './build.js';
import { stableIdOf } from './stable-id.js';
import { toJson, toModel } from './validate.js';

/** Fields Datadog sets and keeps: never part of what `diff` compares. */
const SERVER_FIELDS = [
  'id',
  'url',
  'author_handle',
  'author_name',
  'created_at',
  'modified_at',
  'is_read_only',
];

/** A dashboard without server-managed fields, nulls and widget ids (Datadog assigns those on save). */
export function comparableDashboard(d: unknown): unknown {
  const strip = (v: unknown, top: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x, false));
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || x === undefined) continue;
      if (top && SERVER_FIELDS.includes(k)) continue;
      if (!top && k === 'id' && typeof x === 'number') continue;
      out[k] = strip(x, false);
    }
    return out;
  };
  return strip(d, true);
}

/** Datadog's own reasons (`{"errors": [...]}`), from a typed body or the client's text for a status it does not model. */
function reasons(body: unknown): string {
  let b = body;
  if (typeof b === 'string') {
    const [i, j] = [b.indexOf('{'), b.lastIndexOf('}')];
    try {
      b = i >= 0 && j > i ? JSON.parse(b.slice(i, j + 1)) : b;
    } catch {
      return '';
    }
  }
  const errors = (b as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? `: ${errors.map(String).join('; ').slice(0, 500)}` : '';
}

/**
 * Datadog's refusal, with what to check; the body may echo the request, never a key. A refused
 * key is the user's to fix (exit 2); anything else Datadog answers is a failure (exit 1).
 */
function failed(what: string, e: unknown): PitwallError {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'number')
    return new PitwallError('collector_failed', `${what} failed: ${(e as Error).message}`);
  if (code === 401 || code === 403)
    return new PitwallError(
      'invalid_config',
      `${what} failed: Datadog answered ${code}: check DD_API_KEY and DD_APP_KEY (the application key needs dashboards_read and dashboards_write) and DD_SITE`,
      { status: code },
    );
  return new PitwallError(
    'collector_failed',
    `${what} failed: Datadog answered ${code}${reasons((e as { body?: unknown }).body)}`,
    {
      status: code,
    },
  );
}

async function listPitwall(api: v1.DashboardsApi): Promise<v1.DashboardSummaryDefinition[]> {
  const out: v1.DashboardSummaryDefinition[] = [];
  for await (const d of api.listDashboardsWithPagination({ filterShared: false }))
    if (stableIdOf(d.description)) out.push(d);
  return out;
}

/** The one dashboard carrying the stable id; two is an error the user must resolve (we never guess). */
async function findOne(
  api: v1.DashboardsApi,
  stableId: string,
): Promise<v1.DashboardSummaryDefinition | null> {
  const hits = (await listPitwall(api)).filter((d) => stableIdOf(d.description) === stableId);
  if (hits.length > 1)
    throw invalidArgument(
      `${hits.length} Datadog dashboards carry pitwall_id: ${stableId} (${hits.map((h) => h.id).join(', ')}): delete all but one, then push again`,
    );
  return hits[0] ?? null;
}

export const datadogDashboards: DashboardTarget<DatadogDashboard> = {
  id: 'datadog',
  description: 'Datadog dashboards (v1 API, ordered layout) over the metrics `pitwall export datadog` sends',
  build(spec, ctx) {
    // The names the exporter sends: with `datadog.prefix`, every query carries it too.
    const prefix = ctx.config?.datadog.prefix;
    return buildDatadogDashboard(spec, ctx.registry, prefix ? { prefix } : {});
  },
  files(spec: DashboardSpec, built) {
    return [{ path: `${spec.id}.datadog.json`, content: `${JSON.stringify(built, null, 2)}\n` }];
  },
  async push(spec, built, ctx: TargetContext) {
    const { api, baseUrl } = dashboardsApi(ctx);
    let existing: v1.DashboardSummaryDefinition | null;
    try {
      existing = await findOne(api, spec.id);
    } catch (e) {
      if (e instanceof PitwallError) throw e;
      throw failed(`listing Datadog dashboards to find ${spec.id}`, e);
    }
    try {
      const body = toModel(built);
      const saved = existing?.id
        ? await api.updateDashboard({ dashboardId: existing.id, body })
        : await api.createDashboard({ body });
      const url = dashboardUrl(baseUrl, saved.url);
      return { action: existing ? 'updated' : 'created', remoteId: saved.id ?? '', ...(url ? { url } : {}) };
    } catch (e) {
      throw failed(`${existing ? 'updating' : 'creating'} Datadog dashboard ${spec.id}`, e);
    }
  },
  async pull(stableId, ctx) {
    const { api } = dashboardsApi(ctx);
    try {
      const hit = await findOne(api, stableId);
      if (!hit?.id) return null;
      return toJson(await api.getDashboard({ dashboardId: hit.id })) as DatadogDashboard;
    } catch (e) {
      if (e instanceof PitwallError) throw e;
      throw failed(`pulling Datadog dashboard ${stableId}`, e);
    }
  },
  async list(ctx): Promise<ListedDashboard[]> {
    const { api, baseUrl } = dashboardsApi(ctx);
    let found: v1.DashboardSummaryDefinition[];
    try {
      found = await listPitwall(api);
    } catch (e) {
      throw failed('listing Datadog dashboards', e);
    }
    return found.map((d) => {
      const url = dashboardUrl(baseUrl, d.url);
      return {
        stableId: stableIdOf(d.description)!,
        remoteId: d.id ?? '',
        title: d.title ?? '',
        ...(url ? { url } : {}),
        ...(d.modifiedAt ? { modifiedAt: d.modifiedAt.toISOString() } : {}),
      };
    });
  },
  comparable: comparableDashboard,
  warnings(spec) {
    return unexportedGroupBys(spec).map(
      (p) =>
        `${spec.id}: panel ${p} shows only the ungrouped value in Datadog: the exporter does not send that group as a tag`,
    );
  },
};
