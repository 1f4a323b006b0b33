import { api } from '../api.js';
import { Chart, PALETTE, type ChartOption } from '../components/Chart.js';
import { useLoad } from '../data.js';
import { iso, useFilters } from '../filters.js';
import type { Testenv } from '../types.js';

/**
 * The test-environment report (GET /api/v1/testenv) for the view's window and scope, read once
 * for the whole page; every panel of the page takes its numbers from it or from the registry.
 */
export function useTestenv(): { data: Testenv | null; error: string | null } {
  const [f] = useFilters();
  const q = { from: iso(f.from), to: iso(f.to), team: f.team, repo: f.repo };
  const { data, error } = useLoad(`testenv|${JSON.stringify(q)}`, () => api.testenv(q));
  return { data, error };
}

export const weekLabel = (b: string) => b.slice(0, 10);

/** Bars per bucket, stacked: each series one part of the whole. */
export function StackedBars({
  buckets,
  series,
  unit,
  testid,
  height = 220,
}: {
  buckets: string[];
  series: { name: string; data: (number | null)[]; color?: string }[];
  unit: string;
  testid?: string;
  height?: number;
}) {
  const option: ChartOption = {
    color: PALETTE,
    grid: { left: 48, right: 16, top: 30, bottom: 24 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'category', data: buckets },
    yAxis: { type: 'value', name: unit },
    series: series.map((s) => ({
      name: s.name,
      type: 'bar',
      stack: 'total',
      data: s.data.map((v) => (v === null ? null : +v.toFixed(3))),
      ...(s.color ? { itemStyle: { color: s.color } } : {}),
    })),
  };
  return <Chart option={option} height={height} testid={testid} />;
}
