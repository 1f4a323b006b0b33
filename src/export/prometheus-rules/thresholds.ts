import type { MetricDefinition } from '../../metrics/registry/types.js';
import { alertName, num, promName } from './names.js';
import type { AlertingRule } from './types.js';

/** Which series an alert is about, in its own words: the group labels /metrics uses. */
const WHO =
  '{{ with $labels.team }} for team {{ . }}{{ end }}{{ with $labels.repo }} for repo {{ . }}{{ end }}' +
  '{{ with $labels.service }} for service {{ . }}{{ end }}{{ with $labels.workflow }} for workflow {{ . }}{{ end }}';

/**
 * The registry's thresholds (with `metrics.thresholds` overrides) as two alerts of one name: past
 * yellow is `severity: critical` (the metric's red), between green and yellow is `warning`
 * (yellow). Direction decides the side: lower-is-better is red above `yellow`, higher-is-better
 * below it, as `statusOf` colours a value. Every series of the metric is watched: the overall
 * value and each team's, repo's, service's and workflow's.
 */
export function thresholdAlerts(def: MetricDefinition, opts: { for: string }): AlertingRule[] {
  const t = def.thresholds;
  if (!t) return [];
  const m = promName(def.name);
  const lower = def.direction === 'lower_is_better';
  const [past, within] = lower ? ['>', '<='] : ['<', '>='];
  const rule = (
    severity: 'critical' | 'warning',
    expr: string,
    limit: number,
    level: string,
  ): AlertingRule => ({
    alert: alertName(def.name),
    expr,
    for: opts.for,
    labels: { severity, metric: def.name },
    annotations: {
      summary: `${def.title}${WHO} is {{ printf "%.4g" $value }} ${def.unit} over the last 30 days: ${lower ? 'above' : 'below'} its ${level} threshold ${num(limit)}`,
      description: def.action,
    },
  });
  const rules = [rule('critical', `${m} ${past} ${num(t.yellow)}`, t.yellow, 'red')];
  // green == yellow leaves no yellow band: only the critical alert.
  if (t.green !== t.yellow)
    rules.push(
      rule('warning', `(${m} ${past} ${num(t.green)}) ${within} ${num(t.yellow)}`, t.green, 'yellow'),
    );
  return rules;
}
