import type { Dashboard, DataSourceRef, Panel, RowPanel, VariableModel } from '@grafana/schema';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { DashboardSpec, DashboardVariable } from '../model.js';
import { layout } from './layout.js';
import { renderPanel, type Flavour } from './panels.js';
import { PROM_ALL, variableQuery } from './promql.js';
import { SQL_ALL, VARIABLE_SQL } from './sql.js';

/** The dashboard JSON schema version of the Grafana release @grafana/schema describes (its defaultDashboard). */
export const SCHEMA_VERSION = 42;
/** Every Pitwall dashboard carries it: `list` finds them by it. */
export const PITWALL_TAG = 'pitwall';

/** Grafana's plugin ids of the two data sources. */
export const DATASOURCE_TYPE: Record<Flavour, string> = {
  prometheus: 'prometheus',
  postgres: 'grafana-postgresql-datasource',
};
/** The uid the provisioned data source gets, unless the user names their own. */
export const DEFAULT_DATASOURCE_UID: Record<Flavour, string> = {
  prometheus: 'pitwall-prometheus',
  postgres: 'pitwall-postgres',
};

export interface GrafanaRenderOptions {
  flavour: Flavour;
  registry: MetricRegistry;
  /** An existing data source's uid; default the one `build` provisions. */
  datasourceUid?: string;
}

const LABELS: Record<DashboardVariable, string> = {
  team: 'Team',
  repo: 'Repository',
  service: 'Service',
  env: 'Environment',
  workflow: 'Workflow',
};

function variable(v: DashboardVariable, flavour: Flavour, datasource: DataSourceRef): VariableModel {
  const query = flavour === 'prometheus' ? variableQuery(v) : VARIABLE_SQL[v];
  return {
    type: 'query',
    name: v,
    label: LABELS[v],
    datasource,
    // A plain string: Prometheus reads `label_values(...)` itself, SQL data sources run it.
    query,
    // "All" means no filter: the registry's value over everything, not the union of the options.
    includeAll: true,
    allValue: flavour === 'prometheus' ? PROM_ALL : SQL_ALL,
    multi: false,
    current: { text: 'All', value: '$__all' },
    options: [],
    refresh: 1,
    regex: '',
    sort: 1,
    hide: 0,
    skipUrlSync: false,
  } as VariableModel;
}

/** A Pitwall dashboard as Grafana dashboard JSON (the model Grafana's HTTP API and file provisioning take). */
export function renderDashboard(spec: DashboardSpec, o: GrafanaRenderOptions): Dashboard {
  const datasource = {
    type: DATASOURCE_TYPE[o.flavour],
    uid: o.datasourceUid ?? DEFAULT_DATASOURCE_UID[o.flavour],
  };
  const ctx = { flavour: o.flavour, registry: o.registry, datasource, variables: spec.variables };
  const positions = layout(spec.sections);
  const panels: (Panel | RowPanel)[] = [];
  let id = 0;
  spec.sections.forEach((s, i) => {
    const pos = positions[i]!;
    panels.push({ type: 'row', id: ++id, title: s.title, collapsed: false, gridPos: pos.row, panels: [] });
    s.panels.forEach((p, j) => panels.push(renderPanel(p, ++id, pos.panels[j]!, ctx)));
  });
  return {
    id: null,
    uid: spec.id,
    title: spec.title,
    description: spec.description,
    tags: [PITWALL_TAG, `pitwall-${o.flavour}`],
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: '',
    schemaVersion: SCHEMA_VERSION,
    time: { from: 'now-30d', to: 'now' },
    timepicker: {},
    links: [],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: spec.variables.map((v) => variable(v, o.flavour, datasource)) },
    panels,
  } as Dashboard;
}
