import type { DatadogNameOptions } from '../../export/datadog/names.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { DashboardSpec, SectionSpec } from '../model.js';
import { EXPORTED_GROUPS } from './queries.js';
import { withStableId } from './stable-id.js';
import { assertValidDashboard } from './validate.js';
import { heightOf, widgetOf, type WidgetContext, type WidgetJson } from './widgets.js';

/** A dashboard as the v1 API takes it (POST/PUT /api/v1/dashboard), in its JSON field names. */
export type DatadogDashboard = Record<string, unknown> & {
  title: string;
  description: string;
  widgets: WidgetJson[];
};

const COLUMNS = 12;

/** Lays panels left to right on the 12-column grid, wrapping; a group's height is its rows' plus its title. */
function groupOf(
  section: SectionSpec,
  ctx: WidgetContext,
  y: number,
): { widget: WidgetJson; height: number } {
  const widgets: WidgetJson[] = [];
  let x = 0;
  let rowY = 0;
  let rowH = 0;
  for (const p of section.panels) {
    const h = heightOf(p);
    if (x + p.width > COLUMNS) {
      rowY += rowH;
      x = 0;
      rowH = 0;
    }
    widgets.push({ ...widgetOf(p, ctx), layout: { x, y: rowY, width: p.width, height: h } });
    x += p.width;
    rowH = Math.max(rowH, h);
  }
  const height = rowY + rowH + 1;
  return {
    widget: {
      definition: { type: 'group', layout_type: 'ordered', title: section.title, show_title: true, widgets },
      layout: { x: 0, y, width: COLUMNS, height },
    },
    height,
  };
}

/** Template variables a Datadog dashboard can filter by: those the exporter sends as tags. */
export function datadogVariables(spec: DashboardSpec): string[] {
  return spec.variables.filter((v) => EXPORTED_GROUPS.includes(v));
}

/** Panels grouped by something the exporter does not send as a tag: Datadog shows them ungrouped. */
export function unexportedGroupBys(spec: DashboardSpec): string[] {
  return spec.sections.flatMap((s) =>
    s.panels.filter((p) => p.by && !EXPORTED_GROUPS.includes(p.by)).map((p) => `${p.id} (by ${p.by})`),
  );
}

export function buildDatadogDashboard(
  spec: DashboardSpec,
  registry: MetricRegistry,
  names: DatadogNameOptions = {},
): DatadogDashboard {
  const variables = datadogVariables(spec);
  const ctx: WidgetContext = { registry, variables, names };
  let y = 0;
  const widgets = spec.sections.map((s) => {
    const g = groupOf(s, ctx, y);
    y += g.height;
    return g.widget;
  });
  const dashboard: DatadogDashboard = {
    title: spec.title,
    description: withStableId(spec.description, spec.id),
    layout_type: 'ordered',
    reflow_type: 'fixed',
    template_variables: variables.map((v) => ({ name: v, prefix: v, available_values: [], defaults: ['*'] })),
    widgets,
  };
  assertValidDashboard(dashboard, `the generated dashboard ${spec.id}`);
  return dashboard;
}
