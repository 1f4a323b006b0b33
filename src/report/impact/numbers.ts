import type { Estimate } from './types.js';

/**
 * How every impact number is written, shared by the table and the executive summary, so what
 * the summary says is the JSON's number rounded one way (a test holds them equal).
 */
export const value = (x: number | null, digits = 1): string => (x === null ? 'n/a' : x.toFixed(digits));

/** A whole number with thousands separators: 1,234. */
export const whole = (x: number | null): string =>
  x === null ? 'n/a' : (Math.round(x) || 0).toLocaleString('en-US', { maximumFractionDigits: 0 });

export const percent = (x: number | null): string => (x === null ? 'n/a' : `${Math.round(Math.abs(x))}%`);

export const signedPercent = (x: number | null): string =>
  x === null ? 'n/a' : `${x > 0 ? '+' : x < 0 ? '-' : ''}${Math.round(Math.abs(x))}%`;

export const interval = (e: Estimate, digits = 1): string =>
  e.low === null || e.high === null ? '' : ` [${value(e.low, digits)}, ${value(e.high, digits)}]`;

export const pValue = (p: number | null): string =>
  p === null ? 'n/a' : p < 0.0001 ? '< 0.0001' : p.toFixed(4);

/** "p = 0.0123", or "p < 0.0001". */
export const pIs = (p: number | null): string =>
  p !== null && p < 0.0001 ? 'p < 0.0001' : `p = ${pValue(p)}`;

export const rate = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

export const money = (x: number | null, currency: string): string => {
  if (x === null) return 'n/a';
  const symbol = SYMBOLS[currency];
  const sign = x < 0 ? '-' : '';
  return symbol ? `${sign}${symbol}${whole(Math.abs(x))}` : `${sign}${whole(Math.abs(x))} ${currency}`;
};

export const day = (d: Date): string => d.toISOString().slice(0, 10);

export const instant = (d: Date): string => d.toISOString().replace('.000Z', 'Z');
