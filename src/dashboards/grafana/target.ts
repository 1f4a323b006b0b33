import type { Dashboard } from '@grafana/schema';
import { defaultMetric } from '../definitions/default-metrics.js';
import type { DashboardSpec } from '../model.js';
import type { BuiltFile, DashboardTarget, ListedDashboard, TargetContext } from '../targets.js';
import { GrafanaClient, grafanaSettings } from './api.js';
import type { Flavour } from './panels.js';
import { servesGroup } from './promql.js';
import { dashboardsProvider, datasources } from './provisioning.js';
import { PITWALL_TAG, renderDashboard } from './render.js';

/**
 * Grafana, on one of two data sources: `grafana` reads Prometheus scraping Pitwall's /metrics,
 * `grafana-postgres` queries the warehouse with the registry's own SQL. The same spec gives the
 * same uid on both, so a Grafana holds one flavour of each dashboard.
 */
export function grafanaTarget(flavour: Flavour, fetchImpl: typeof fetch = fetch): DashboardTarget<Dashboard> {
  const client = (ctx: TargetContext) => new GrafanaClient(grafanaSettings(ctx.env), fetchImpl);
  const flavourTag = `pitwall-${flavour}`;
  return {
    id: flavour === 'prometheus' ? 'grafana' : 'grafana-postgres',
    description:
      flavour === 'prometheus'
        ? 'Grafana dashboards over Prometheus scraping /metrics (GRAFANA_URL, GRAFANA_TOKEN)'
        : "Grafana dashboards over the PostgreSQL warehouse, with the registry's SQL (GRAFANA_URL, GRAFANA_TOKEN)",
    build: (spec, ctx) => renderDashboard(spec, { flavour, registry: ctx.registry }),
    files(spec: DashboardSpec, built: Dashboard): BuiltFile[] {
      return [
        { path: `dashboards/${spec.id}.json`, content: `${JSON.stringify(built, null, 2)}\n` },
        { path: 'provisioning/dashboards/pitwall.yaml', content: dashboardsProvider() },
        { path: 'provisioning/datasources/pitwall.yaml', content: datasources(flavour) },
      ];
    },
    async push(spec, built, ctx) {
      const api = client(ctx);
      const folderUid = grafanaSettings(ctx.env).folderUid;
      await api.ensureFolder(folderUid, 'Pitwall');
      const before = await api.getDashboard(spec.id);
      // overwrite: the generated dashboard replaces a hand edit (diff shows one before a push).
      const saved = await api.saveDashboard(
        { ...built, id: null },
        { folderUid, overwrite: true, message: `pitwall dashboards push (${spec.id})` },
      );
      return {
        action: before ? 'updated' : 'created',
        remoteId: saved.uid,
        url: `${api.baseUrl}${saved.url}`,
      };
    },
    async pull(stableId, ctx) {
      const saved = await client(ctx).getDashboard(stableId);
      return saved ? saved.dashboard : null;
    },
    async list(ctx): Promise<ListedDashboard[]> {
      const api = client(ctx);
      const hits = await api.search(PITWALL_TAG);
      return hits
        .filter((h) => (h.tags ?? []).includes(flavourTag))
        .map((h) => ({
          stableId: h.uid,
          remoteId: h.uid,
          title: h.title,
          ...(h.url ? { url: `${api.baseUrl}${h.url}` } : {}),
        }));
    },
    warnings(spec: DashboardSpec): string[] {
      if (flavour !== 'prometheus') return [];
      // Group-bys do not depend on config: the default definitions say which splits /metrics serves.
      return spec.sections.flatMap((s) =>
        s.panels
          .filter(
            (p) =>
              p.by &&
              p.metrics.some((m) => {
                const d = defaultMetric(m);
                return d && !servesGroup(d, p.by!);
              }),
          )
          .map(
            (p) =>
              `${spec.id}: "${p.title}" is split by ${p.by}, which /metrics does not label (only team, repo, service, workflow): Grafana shows its overall value (grafana-postgres shows the split)`,
          ),
      );
    },
    comparable(built: Dashboard): unknown {
      // Grafana owns the numeric id and the version; everything else is what build wrote.
      const { id: _id, version: _version, ...rest } = built as Dashboard & { version?: number };
      return rest;
    },
  };
}

export const grafanaTargets = [grafanaTarget('prometheus'), grafanaTarget('postgres')];
