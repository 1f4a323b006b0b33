import { useCallback, useEffect, useMemo } from 'react';
import { useParams, useSearchParams } from 'react-router';
import type { MetricInfo } from './types.js';

/** The view's window and scope. They live in the URL so a link shows someone else the same view. */
export interface Filters {
  /** UTC day, inclusive (YYYY-MM-DD). */
  from: string;
  /** UTC day, exclusive (YYYY-MM-DD), like the API's `to`. */
  to: string;
  team: string | null;
  repo: string | null;
}

const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Last 30 days including today (UTC): what the API defaults to, written out so links are stable. */
export function defaultWindow(now = Date.now(), days = 30): { from: string; to: string } {
  const end = Math.floor(now / DAY) * DAY + DAY;
  return { from: ymd(end - days * DAY), to: ymd(end) };
}

export const iso = (d: string) => `${d}T00:00:00.000Z`;

/** The window of the same length just before this one (for trends). */
export function previousWindow(f: Filters): { from: string; to: string } {
  const span = Date.parse(iso(f.to)) - Date.parse(iso(f.from));
  return { from: ymd(Date.parse(iso(f.from)) - span), to: f.from };
}

export function useFilters(): [Filters, (patch: Partial<Filters>) => void] {
  const [params, setParams] = useSearchParams();
  const path = useParams<{ team?: string }>();
  const from = params.get('from');
  const to = params.get('to');
  const valid = from !== null && to !== null && DATE.test(from) && DATE.test(to) && from < to;
  useEffect(() => {
    if (valid) return;
    const next = new URLSearchParams(params);
    const w = defaultWindow();
    next.set('from', w.from);
    next.set('to', w.to);
    setParams(next, { replace: true });
  }, [valid, params, setParams]);
  const w = valid ? { from, to } : defaultWindow();
  const filters = useMemo<Filters>(
    () => ({ from: w.from, to: w.to, team: path.team ?? params.get('team'), repo: params.get('repo') }),
    [w.from, w.to, path.team, params],
  );
  const update = useCallback(
    (patch: Partial<Filters>) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      setParams(next);
    },
    [params, setParams],
  );
  return [filters, update];
}

/**
 * The API query for one metric: the window plus only the filters the metric can honour (the
 * registry rejects a filter outside its group-bys), and which filters had to be left out.
 */
export function metricQuery(
  f: Filters,
  info: MetricInfo | undefined,
  window: { from: string; to: string } = f,
): { query: Record<string, string>; ignored: string[] } {
  const query: Record<string, string> = { from: iso(window.from), to: iso(window.to) };
  const ignored: string[] = [];
  for (const k of ['team', 'repo'] as const) {
    const v = f[k];
    if (!v) continue;
    if (info?.groupBy.includes(k)) query[k] = v;
    else ignored.push(k);
  }
  return { query, ignored };
}

/** Query for the rows behind a value: explain takes one group (by + group), repo being the narrower. */
export function explainQuery(f: Filters, info: MetricInfo | undefined): Record<string, string> {
  const q: Record<string, string> = { from: iso(f.from), to: iso(f.to), limit: '200' };
  const k =
    f.repo && info?.groupBy.includes('repo')
      ? 'repo'
      : f.team && info?.groupBy.includes('team')
        ? 'team'
        : null;
  if (k) {
    q.by = k;
    q.group = f[k]!;
  }
  return q;
}
