import { durationMs, type AlertRule } from '../../alerts/config.js';
import { LABEL_GROUPS } from '../../server/prometheus.js';
import { alertName, byGroup, num, overall } from './names.js';
import type { AlertingRule, Unmapped } from './types.js';

/** /metrics publishes each metric over the last 30 days: only rules over that window map. */
const PAGE_WINDOW = '30d';

/**
 * An `alerts:` rule as a Prometheus alert over the /metrics gauges, or why it has none:
 * above/below compare the series with the threshold; change compares it with its value one
 * window earlier (`offset 30d`), which is the previous window's value as the page published it.
 */
export function configAlert(r: AlertRule): AlertingRule | Unmapped {
  if (r.window !== PAGE_WINDOW)
    return {
      rule: r.name,
      reason: `window ${r.window}: /metrics publishes ${PAGE_WINDOW} values, so only rules with window: ${PAGE_WINDOW} map`,
    };
  if (r.by && !(LABEL_GROUPS as readonly string[]).includes(r.by))
    return {
      rule: r.name,
      reason: `by ${r.by}: /metrics labels series by ${LABEL_GROUPS.join(', ')} only`,
    };
  const sel = r.by ? byGroup(r.metric, r.by) : overall(r.metric);
  const expr =
    r.when === 'above'
      ? `${sel} > ${num(r.threshold)}`
      : r.when === 'below'
        ? `${sel} < ${num(r.threshold)}`
        : `(${sel} / (${sel} offset ${PAGE_WINDOW}) - 1) ${r.threshold > 0 ? '>=' : '<='} ${num(r.threshold)}`;
  const what =
    r.when === 'change'
      ? `changed by {{ printf "%.2g" $value }} against the previous ${PAGE_WINDOW} (rule: ${r.threshold > 0 ? 'up' : 'down'} ${num(Math.abs(r.threshold))})`
      : `is {{ printf "%.4g" $value }}, ${r.when} ${num(r.threshold)}`;
  return {
    alert: alertName(`rule ${r.name}`),
    expr,
    ...(durationMs(r.for) ? { for: r.for } : {}),
    labels: { severity: r.severity, metric: r.metric, pitwall_rule: r.name },
    annotations: {
      summary: `${r.metric}${r.by ? ` for ${r.by} {{ $labels.${r.by} }}` : ''} ${what}`,
      ...(r.channels.length ? { channels: r.channels.join(', ') } : {}),
    },
  };
}
