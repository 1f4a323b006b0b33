import type { MetricDefinition } from '../metrics/registry/types.js';
import type { ReportLine } from './build.js';
import type { ChangePoint } from './change-detect.js';
import { formatNumber } from './format.js';
import type { TiedChange } from './insights-changes.js';

const DAY = 86_400_000;

export const valueText = (v: number | null, unit: string) =>
  unit === 'ratio' || v === null ? formatNumber(v, unit) : `${formatNumber(v, unit)} ${unit}`;

const dateText = (t: number | Date) =>
  new Date(t).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** "in the past 2 weeks", "in the past 10 days", or "since 6 Feb 2025" for older changes. */
export function sinceText(at: number, to: Date): string {
  const days = Math.round((to.getTime() - at) / DAY);
  if (days % 7 === 0 && days >= 7 && days <= 28)
    return days === 7 ? 'in the past week' : `in the past ${days / 7} weeks`;
  if (days <= 21) return `in the past ${days} days`;
  return `since ${dateText(at)}`;
}

const pText = (p: number) => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toPrecision(2)}`);

export const labelOf = (def: MetricDefinition, group: { by: string; value: string } | null) =>
  group ? `${def.title}, ${group.by} ${group.value}` : def.title;

function targetClause(def: MetricDefinition, line: ReportLine | undefined): string {
  if (!def.thresholds || !line || line.value === null) return '';
  const word = line.status === 'green' ? 'on target' : line.status === 'red' ? 'off target' : 'near target';
  return ` Over the window it is ${valueText(line.value, def.unit)}, ${word} (target ${valueText(def.thresholds.green, def.unit)}).`;
}

/** The headline and the reasoning of a shift. */
export function shiftText(
  def: MetricDefinition,
  group: { by: string; value: string } | null,
  c: ChangePoint,
  to: Date,
  tie: TiedChange | null,
  line: ReportLine | undefined,
): { message: string; why: string } {
  const pct = c.relative === null ? '' : ` ${Math.round(Math.abs(c.relative) * 100)}%`;
  const dir = c.absolute > 0 ? 'up' : 'down';
  const numbers = `${valueText(c.before.median, def.unit)} → ${valueText(c.after.median, def.unit)}`;
  const tied = tie ? ` after “${tie.title}” (${dateText(tie.at)})` : '';
  const message = `${labelOf(def, group)} ${dir}${pct} ${sinceText(c.at, to)}${tied}: ${numbers}`;
  const cause = tie
    ? ` It starts ${Math.abs(tie.daysFromChange)} day${Math.abs(tie.daysFromChange) === 1 ? '' : 's'} ${tie.daysFromChange >= 0 ? 'after' : 'before'} the recorded ${tie.kind} “${tie.title}”.`
    : ' No annotation or lone deployment was recorded near it: find the cause before acting.';
  const why =
    `A shift in its own history from ${dateText(c.at)}: the typical day (weekday-adjusted) moved from ` +
    `${valueText(c.before.median, def.unit)} over the ${c.before.n} days before to ` +
    `${valueText(c.after.median, def.unit)} over the ${c.after.n} days since (${pText(c.pValue)}, rank test, corrected for the days scanned).` +
    cause +
    targetClause(def, line);
  return { message, why };
}

/** The headline and the reasoning of a target item: breached (new or standing) or newly met. */
export function targetText(
  def: MetricDefinition,
  l: ReportLine,
  fresh: boolean,
  c: ChangePoint | null,
  tie: TiedChange | null,
): { message: string; why: string } {
  const target = valueText(def.thresholds!.green, def.unit);
  const was = l.previous === null ? '' : ` (was ${valueText(l.previous, def.unit)})`;
  const tied = tie ? ` after “${tie.title}” (${dateText(tie.at)})` : '';
  const shift = c
    ? ` The shift that crossed it starts ${dateText(c.at)}: ${valueText(c.before.median, def.unit)} → ${valueText(c.after.median, def.unit)} on a typical day (${pText(c.pValue)}).${tie ? ` It is tied to the recorded ${tie.kind} “${tie.title}”.` : ''}`
    : ' No single shift was detected: it moved gradually.';
  if (l.status === 'green')
    return {
      message: `${def.title} on target${tied}: ${valueText(l.value, def.unit)}${was}, target ${target}`,
      why: `Newly on target: it was off target over the previous window and meets ${target} now.${shift}`,
    };
  return {
    message: `${def.title} off target${tied}: ${valueText(l.value, def.unit)}${was}, target ${target}`,
    why: fresh
      ? `Newly off target: on target over the previous window, past ${valueText(def.thresholds!.yellow, def.unit)} now.${shift}`
      : 'Off target over this window and the one before: a standing breach, listed only where fewer than five things changed.',
  };
}
