import type { MetricRegistry } from '../metrics/registry/registry.js';
import { formatNumber } from '../report/format.js';
import type { AlertMessage } from './channels/index.js';
import type { AlertRule } from './config.js';
import type { Alert } from './state.js';

const pct = (v: number) => `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

/** A value as the rule compares it: the metric's unit, or a relative change for `change` rules. */
export function shownValue(rule: Pick<AlertRule, 'when'>, unit: string, v: number | null): string {
  if (v === null) return '—';
  if (rule.when === 'change') return pct(v);
  const s = formatNumber(v, unit);
  return unit === 'ratio' ? s : `${s} ${unit}`;
}

/** "above 30 min", "below 95.0%", "a change of +20.0% or more". */
export function conditionText(rule: Pick<AlertRule, 'when' | 'threshold'>, unit: string): string {
  if (rule.when === 'change')
    return rule.threshold > 0
      ? `a rise of ${pct(rule.threshold)} or more against the previous window`
      : `a fall of ${pct(rule.threshold)} or more against the previous window`;
  return `${rule.when} ${shownValue(rule, unit, rule.threshold)}`;
}

/** One message per change of state: what is wrong, against what, since when, and what to do. */
export function alertMessage(
  registry: MetricRegistry,
  rule: AlertRule,
  a: Alert,
  event: 'firing' | 'resolved',
): AlertMessage {
  const def = registry.get(rule.metric);
  const where = a.group === null ? '' : ` (${rule.by} ${a.group})`;
  const value = shownValue(rule, def.unit, a.value);
  const cond = conditionText(rule, def.unit);
  if (event === 'firing')
    return {
      event,
      severity: a.severity,
      title: `FIRING ${a.severity}: ${rule.name}${where}`,
      text: [
        `${def.title}${where} is ${value} over the last ${rule.window} (rule: ${cond}${rule.for === '0m' ? '' : `, held for ${rule.for}`}).`,
        `Firing since ${a.firedAt!.toISOString()}.`,
        `Action: ${def.action}`,
      ].join('\n'),
    };
  return {
    event,
    severity: a.severity,
    title: `RESOLVED: ${rule.name}${where}`,
    text: [
      `${def.title}${where} is ${value} over the last ${rule.window}: no longer ${cond}.`,
      `Fired at ${a.firedAt?.toISOString() ?? '—'}, resolved at ${a.resolvedAt?.toISOString() ?? '—'}.`,
    ].join('\n'),
  };
}
