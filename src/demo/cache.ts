import type { DemoContext } from './context.js';

const DAY = 86_400_000;

/** The daily org-wide cache hit-rate gauge: low before the cache annotation, high after. */
export function metricsDay(ctx: DemoContext, dayStart: number): void {
  const noon = dayStart + DAY / 2;
  const base = noon >= ctx.cacheAt ? 0.8 : 0.05;
  ctx.emit({
    kind: 'metric_point',
    name: 'ci.cache.hit_rate',
    occurred_at: new Date(noon),
    type: 'gauge',
    value: Math.round((base + ctx.rng.dx.float() * 0.1) * 1000) / 1000,
    tags: { scope: 'org' },
  });
}

export function annotations(ctx: DemoContext, annotationId: string): void {
  ctx.emit({
    kind: 'annotation',
    id: annotationId,
    occurred_at: new Date(ctx.cacheAt),
    title: 'CI cache enabled',
    category: 'optimisation',
  });
  ctx.emit({
    kind: 'experiment',
    id: 'exp-ci-cache',
    name: 'CI dependency cache',
    hypothesis: 'Caching dependencies cuts CI job durations by 25%',
    metric: 'ci.runs.duration_p50_minutes',
    started_at: new Date(ctx.cacheAt),
    ended_at: null,
    cohort: 'all repositories',
    status: 'rolled_out',
    participants: ctx.org.developers.length,
  });
}
