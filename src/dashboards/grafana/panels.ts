import type { DataSourceRef, FieldConfigSource, GridPos, Panel } from '@grafana/schema';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { MetricDefinition } from '../../metrics/registry/types.js';
import type { DashboardVariable, PanelSpec } from '../model.js';
import { columnOverride, fieldDefaults } from './field-config.js';
import { groupedExpr, overallExpr, servesGroup } from './promql.js';
import { groupsSql, seriesSql, statSql } from './sql.js';

export type Flavour = 'prometheus' | 'postgres';

export interface PanelContext {
  flavour: Flavour;
  registry: MetricRegistry;
  datasource: DataSourceRef;
  variables: readonly DashboardVariable[];
}

type Target = Record<string, unknown> & { refId: string };
const refId = (i: number) => String.fromCharCode(65 + i);

/**
 * Options each panel type takes, the plugin defaults of the Grafana release the schema package
 * describes (its panelcfg defaultOptions) plus what Pitwall sets.
 */
const STAT_OPTIONS = {
  colorMode: 'value',
  graphMode: 'none',
  justifyMode: 'auto',
  percentChangeColorMode: 'standard',
  showPercentChange: false,
  textMode: 'auto',
  wideLayout: true,
  orientation: 'auto',
  reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
};
const BARGAUGE_OPTIONS = {
  displayMode: 'gradient',
  maxVizHeight: 300,
  minVizHeight: 16,
  minVizWidth: 8,
  namePlacement: 'auto',
  showUnfilled: true,
  sizing: 'auto',
  valueMode: 'color',
  orientation: 'horizontal',
  legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: false },
};
const TABLE_OPTIONS = { cellHeight: 'sm', frameIndex: 0, showHeader: true, showTypeIcons: false, sortBy: [] };
const TIMESERIES_OPTIONS = {
  legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: true },
  tooltip: { mode: 'multi', sort: 'desc', hideZeros: false },
};

function seriesCustom(stacked: boolean) {
  return {
    drawStyle: 'line',
    lineInterpolation: 'linear',
    lineWidth: 2,
    fillOpacity: stacked ? 60 : 10,
    gradientMode: 'none',
    showPoints: 'always',
    pointSize: 5,
    spanNulls: false,
    axisPlacement: 'auto',
    stacking: { mode: stacked ? 'normal' : 'none', group: 'A' },
    thresholdsStyle: { mode: 'off' },
  };
}

/** The words under a panel's title: its help text, else what the metric is and why it matters. */
function describe(p: PanelSpec, defs: MetricDefinition[], notes: string[]): string {
  const base =
    p.text ??
    (defs.length === 1
      ? `${defs[0]!.description} ${defs[0]!.why} When it is bad: ${defs[0]!.action}`
      : defs.map((d) => `${d.title}: ${d.description}`).join(' '));
  return [base, ...notes].join(' ').trim();
}

/** Units of further metrics in one panel, matched by their query's refId. */
const byRefId = (defs: MetricDefinition[], custom?: Record<string, unknown>): FieldConfigSource => {
  const fc = fieldDefaults(defs[0]!, custom);
  fc.overrides = defs.slice(1).map((d, i) => ({
    matcher: { id: 'byFrameRefID', options: refId(i + 1) },
    properties: [
      { id: 'unit', value: fieldDefaults(d).defaults.unit },
      { id: 'thresholds', value: fieldDefaults(d).defaults.thresholds },
    ],
  }));
  return fc;
};

/** One Grafana panel from the model's panel. */
export function renderPanel(p: PanelSpec, id: number, gridPos: GridPos, ctx: PanelContext): Panel {
  const common = { id, title: p.title, gridPos, transparent: false, links: [], transformations: [] };
  if (p.kind === 'note')
    return {
      ...common,
      type: 'text',
      options: {
        mode: 'markdown',
        content: p.text ?? '',
        renderMode: 'once',
        code: { language: 'plaintext', showLineNumbers: false, showMiniMap: false },
      },
      fieldConfig: { defaults: {}, overrides: [] },
      targets: [],
    };
  const defs = p.metrics.map((m) => ctx.registry.get(m));
  const labels = defs.map((d, i) => p.labels?.[i] ?? d.title);
  const notes: string[] = [];
  const ds = ctx.datasource;
  const prom = ctx.flavour === 'prometheus';
  const by = p.by;
  // /metrics serves only team/repo/service/workflow splits: other group-bys show the overall value.
  const promBy = (d: MetricDefinition) => (by && servesGroup(d, by) ? by : undefined);
  if (prom && by && defs.some((d) => !servesGroup(d, by)))
    notes.push(
      `Prometheus serves no split by ${by} for ${defs
        .filter((d) => !servesGroup(d, by))
        .map((d) => d.name)
        .join(', ')}: shown overall.`,
    );
  if (prom) notes.push('Values are each metric over the last 30 days, as /metrics serves them.');

  if (p.kind === 'stat') {
    const targets: Target[] = defs.map((d, i) =>
      prom
        ? {
            refId: refId(i),
            datasource: ds,
            editorMode: 'code',
            expr: overallExpr(d, ctx.variables),
            legendFormat: labels[i],
            instant: true,
            range: false,
          }
        : {
            refId: refId(i),
            datasource: ds,
            editorMode: 'code',
            rawQuery: true,
            ...statSql(ctx.registry, d.name, labels[i]!, ctx.variables),
          },
    );
    return {
      ...common,
      type: 'stat',
      description: describe(p, defs, notes),
      targets,
      options: STAT_OPTIONS,
      fieldConfig: byRefId(defs),
    };
  }
  if (p.kind === 'timeseries') {
    const many = defs.length > 1;
    const targets: Target[] = defs.map((d, i) => {
      const g = promBy(d);
      return prom
        ? {
            refId: refId(i),
            datasource: ds,
            editorMode: 'code',
            expr: g ? groupedExpr(d, g) : overallExpr(d, ctx.variables),
            legendFormat: g ? (many ? `${labels[i]}: {{${g}}}` : `{{${g}}}`) : labels[i],
            range: true,
            instant: false,
          }
        : {
            refId: refId(i),
            datasource: ds,
            editorMode: 'code',
            rawQuery: true,
            ...seriesSql(ctx.registry, d.name, labels[i]!, {
              bucket: p.bucket ?? 'week',
              by,
              prefix: many,
              variables: ctx.variables,
            }),
          };
    });
    return {
      ...common,
      type: 'timeseries',
      description: describe(p, defs, notes),
      targets,
      options: TIMESERIES_OPTIONS,
      fieldConfig: byRefId(defs, seriesCustom(p.stacked ?? false)),
    };
  }
  if (!by) throw new Error(`panel ${p.id}: a ${p.kind} panel needs a group-by`);
  if (p.kind === 'bars') {
    const d = defs[0]!;
    const g = promBy(d);
    const target: Target = prom
      ? {
          refId: 'A',
          datasource: ds,
          editorMode: 'code',
          expr: g ? `sort_desc(${groupedExpr(d, g)})` : overallExpr(d, ctx.variables),
          legendFormat: g ? `{{${g}}}` : labels[0],
          instant: true,
          range: false,
        }
      : {
          refId: 'A',
          datasource: ds,
          editorMode: 'code',
          rawQuery: true,
          ...groupsSql(ctx.registry, d.name, labels[0]!, by, ctx.variables),
        };
    return {
      ...common,
      type: 'bargauge',
      description: describe(p, defs, notes),
      targets: [target],
      // A table's rows are the groups (values: true); Prometheus gives a series per group.
      options: { ...BARGAUGE_OPTIONS, reduceOptions: { calcs: ['lastNotNull'], fields: '', values: !prom } },
      fieldConfig: fieldDefaults(d),
    };
  }
  // table: one query per metric, merged on the group column into one row per group.
  const targets: Target[] = defs.map((d, i) =>
    prom
      ? {
          refId: refId(i),
          datasource: ds,
          editorMode: 'code',
          expr: promBy(d) ? groupedExpr(d, by) : overallExpr(d, ctx.variables),
          format: 'table',
          instant: true,
          range: false,
        }
      : {
          refId: refId(i),
          datasource: ds,
          editorMode: 'code',
          rawQuery: true,
          ...groupsSql(ctx.registry, d.name, labels[i]!, by, ctx.variables),
        },
  );
  const transformations: { id: string; options: Record<string, unknown> }[] = [{ id: 'merge', options: {} }];
  if (prom)
    transformations.push({
      id: 'organize',
      options: {
        excludeByName: { Time: true, __name__: true },
        indexByName: {},
        // Prometheus names the value column `Value #<refId>` once there are several queries.
        renameByName: Object.fromEntries(
          labels.map((l, i) => [defs.length > 1 ? `Value #${refId(i)}` : 'Value', l]),
        ),
      },
    });
  return {
    ...common,
    type: 'table',
    description: describe(p, defs, notes),
    targets,
    transformations,
    options: TABLE_OPTIONS,
    fieldConfig: {
      defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false } },
      overrides: defs.map((d, i) => columnOverride(labels[i]!, d)),
    },
  };
}
