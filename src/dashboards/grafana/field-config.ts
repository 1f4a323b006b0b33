import type { FieldColorModeId, FieldConfigSource, ThresholdsConfig } from '@grafana/schema';
import type { MetricDefinition } from '../../metrics/registry/types.js';

/** Registry units that are Grafana's own units; every other unit is shown as its name after the value. */
const UNITS: Record<string, string> = {
  hours: 'h',
  minutes: 'm',
  seconds: 's',
  milliseconds: 'ms',
  // The registry's ratios are 0..1 and its percentages 0..100.
  ratio: 'percentunit',
  '%': 'percent',
  '% of respondents': 'percent',
  '% of time': 'percent',
  NPS: 'none',
  'score (1-5)': 'none',
};

export function grafanaUnit(unit: string): string {
  return UNITS[unit] ?? `suffix: ${unit}`;
}

/**
 * Grafana colours a value by the highest step it reaches (value >= step). Higher-is-better
 * matches the registry exactly (red below yellow, yellow from it, green from green); for
 * lower-is-better a value exactly on a threshold shows one colour worse than the registry says.
 */
export function grafanaThresholds(def: MetricDefinition): ThresholdsConfig {
  const t = def.thresholds;
  const base = (color: string) => ({ color, value: null });
  if (!t) return { mode: 'absolute' as ThresholdsConfig['mode'], steps: [base('text')] };
  const steps =
    def.direction === 'higher_is_better'
      ? [base('red'), { color: 'yellow', value: t.yellow }, { color: 'green', value: t.green }]
      : [base('green'), { color: 'yellow', value: t.green }, { color: 'red', value: t.yellow }];
  return { mode: 'absolute' as ThresholdsConfig['mode'], steps };
}

/** Unit, thresholds and colour of one metric's values. */
export function fieldDefaults(def: MetricDefinition, custom?: Record<string, unknown>): FieldConfigSource {
  return {
    defaults: {
      unit: grafanaUnit(def.unit),
      thresholds: grafanaThresholds(def),
      color: { mode: (def.thresholds ? 'thresholds' : 'palette-classic') as string as FieldColorModeId },
      ...(def.unit === 'score (1-5)' ? { min: 1, max: 5 } : {}),
      ...(custom ? { custom } : {}),
    },
    overrides: [],
  };
}

/** One column's unit and thresholds in a table of several metrics, matched by the column's name. */
export function columnOverride(
  column: string,
  def: MetricDefinition,
): FieldConfigSource['overrides'][number] {
  return {
    matcher: { id: 'byName', options: column },
    properties: [
      { id: 'unit', value: grafanaUnit(def.unit) },
      { id: 'thresholds', value: grafanaThresholds(def) },
      { id: 'custom.cellOptions', value: { type: def.thresholds ? 'color-text' : 'auto' } },
    ],
  };
}
