import type { DatadogNameOptions } from '../../export/datadog/names.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { PanelSpec } from '../model.js';
import { conditionalFormats, displayOf, formulaOf, isCount, metricQuery, type Scope } from './queries.js';

/** A widget as the v1 dashboards API takes it (snake_case JSON); `layout` is set by the caller. */
export type WidgetJson = { definition: Record<string, unknown>; layout?: WidgetLayout };
export interface WidgetLayout {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WidgetContext {
  registry: MetricRegistry;
  variables: readonly string[];
  names: DatadogNameOptions;
}

/** Grid rows a panel takes: numbers are short, charts and tables tall. */
export function heightOf(p: PanelSpec): number {
  if (p.kind === 'stat') return 2;
  if (p.kind === 'note') return 2;
  return 4;
}

/** The Datadog widget for one panel: query_value, timeseries, toplist, query_table or note. */
export function widgetOf(p: PanelSpec, ctx: WidgetContext): WidgetJson {
  if (p.kind === 'note') {
    return {
      definition: {
        type: 'note',
        content: p.text ?? '',
        background_color: 'white',
        font_size: '14',
        text_align: 'left',
        vertical_align: 'top',
        show_tick: false,
        has_padding: true,
      },
    };
  }
  const defs = p.metrics.map((m) => ctx.registry.get(m));
  const scope: Scope = { variables: ctx.variables, ...(p.by ? { by: p.by } : {}) };
  const queries = (bucket?: PanelSpec['bucket']) =>
    defs.map((def, i) => ({
      data_source: 'metrics',
      name: `query${i + 1}`,
      query: metricQuery(def, scope, { ...ctx.names, ...(bucket ? { bucket } : {}) }),
      aggregator: isCount(def) ? 'sum' : 'avg',
    }));
  const formula = (i: number, withFormats: boolean) => {
    const def = defs[i]!;
    const d = displayOf(def);
    const formats = withFormats ? conditionalFormats(def, d) : [];
    return {
      formula: formulaOf(`query${i + 1}`, d),
      alias: p.labels?.[i] ?? def.title,
      number_format: { unit: d.unit },
      ...(formats.length ? { conditional_formats: formats } : {}),
    };
  };
  const help = p.text ? { description: p.text } : {};
  switch (p.kind) {
    case 'stat': {
      const def = defs[0]!;
      return {
        definition: {
          type: 'query_value',
          title: p.title,
          ...help,
          autoscale: true,
          precision: 1,
          requests: [
            {
              queries: queries(),
              formulas: [formula(0, false)],
              conditional_formats: conditionalFormats(def, displayOf(def)),
              response_format: 'scalar',
            },
          ],
        },
      };
    }
    case 'timeseries':
      return {
        definition: {
          type: 'timeseries',
          title: p.title,
          ...help,
          show_legend: true,
          legend_layout: 'auto',
          requests: [
            {
              queries: queries(p.bucket ?? 'week'),
              formulas: defs.map((_, i) => formula(i, false)),
              response_format: 'timeseries',
              display_type: p.stacked ? 'area' : 'line',
            },
          ],
        },
      };
    case 'bars':
      return {
        definition: {
          type: 'toplist',
          title: p.title,
          ...help,
          requests: [
            {
              queries: queries(),
              formulas: [{ ...formula(0, false), limit: { count: 10, order: 'desc' } }],
              conditional_formats: conditionalFormats(defs[0]!, displayOf(defs[0]!)),
              response_format: 'scalar',
            },
          ],
        },
      };
    case 'table':
      return {
        definition: {
          type: 'query_table',
          title: p.title,
          ...help,
          has_search_bar: 'auto',
          requests: [
            {
              queries: queries(),
              formulas: defs.map((_, i) => ({
                ...formula(i, true),
                ...(i === 0 ? { limit: { count: 50, order: 'desc' } } : {}),
              })),
              response_format: 'scalar',
            },
          ],
        },
      };
  }
}
