/**
 * Benchmarks print a ratio against a baseline measured in the same run: these machines are
 * noisy, so only ratios taken side by side mean anything.
 */
export interface BenchResult {
  name: string;
  lines: string[];
}

export async function timeIt<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);
