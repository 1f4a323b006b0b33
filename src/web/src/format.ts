import type { Direction, Status } from './types.js';

/** How a value reads on a dashboard: the number and the unit beside it (ratios become percents). */
export interface Shown {
  text: string;
  unit: string;
}

function num(v: number): string {
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

export function show(value: number | null | undefined, unit: string): Shown {
  const isRatio = unit === 'ratio';
  if (value === null || value === undefined || !Number.isFinite(value))
    return { text: '—', unit: isRatio ? '%' : unit };
  if (isRatio) return { text: num(value * 100), unit: '%' };
  return { text: num(value), unit };
}

export const showText = (value: number | null | undefined, unit: string): string => {
  const s = show(value, unit);
  return s.unit === '%' ? `${s.text}%` : `${s.text} ${s.unit}`;
};

/** Same rule as the registry's statusOf, so a traffic light here matches the CLI and alerts. */
export function statusOf(
  value: number | null,
  direction: Direction,
  t: { green: number; yellow: number } | null | undefined,
): Status {
  if (value === null || !t) return 'none';
  if (direction === 'lower_is_better')
    return value <= t.green ? 'green' : value <= t.yellow ? 'yellow' : 'red';
  return value >= t.green ? 'green' : value >= t.yellow ? 'yellow' : 'red';
}

export type Trend = 'better' | 'worse' | 'flat' | 'unknown';

/** Same 1% dead band as the report, so "flat" means the same thing everywhere. */
export function trendOf(value: number | null, previous: number | null, direction: Direction): Trend {
  if (value === null || previous === null) return 'unknown';
  const eps = Math.max(Math.abs(previous) * 0.01, 1e-9);
  if (Math.abs(value - previous) <= eps) return 'flat';
  return value < previous === (direction === 'lower_is_better') ? 'better' : 'worse';
}

export function changeText(value: number | null, previous: number | null, unit: string): string {
  if (value === null || previous === null) return 'no previous data';
  const d = value - previous;
  const arrow = d > 0 ? '▲' : d < 0 ? '▼' : '■';
  if (unit === 'ratio') return `${arrow} ${num(Math.abs(d) * 100)} pts vs previous period`;
  const pct = previous !== 0 ? ` (${num((d / Math.abs(previous)) * 100)}%)` : '';
  return `${arrow} ${num(Math.abs(d))}${pct} vs previous period`;
}

export const STATUS_LABEL: Record<Status, string> = {
  green: 'On target',
  yellow: 'Watch',
  red: 'Off target',
  none: 'No target',
};

export function targetText(
  t: { green: number; yellow: number } | null | undefined,
  direction: Direction,
  unit: string,
): string {
  if (!t) return 'No target set';
  return `Target ${direction === 'lower_is_better' ? '≤' : '≥'} ${showText(t.green, unit)}`;
}

export const day = (iso: string): string => iso.slice(0, 10);

/**
 * A value withheld by the privacy rule reads as the reason's first words, "withheld: fewer than
 * 5 people", in place of the number (the API's full reason goes in the tooltip).
 */
export const withheldShort = (reason: string): string => reason.split(' (')[0]!;
