import type { DemoContext } from './context.js';
import { DAY, type DemoOptions } from './options.js';

/**
 * The planted regression: from a known date one CI job (integration, off the critical path, so
 * run durations, the critical path and test-environment waits stay as they were) runs 20%
 * longer, and an annotation records the change that caused it. Insights must list it under
 * attention with about this size, tied to the annotation (test/insights/ground-truth.test.ts).
 */
export const REGRESSION = {
  job: 'integration',
  factor: 1.2,
  /** Two weeks before the end of the window (at the earliest half way through it), at 10:00 UTC. */
  daysBeforeEnd: 14,
  hourUtc: 10,
  annotationId: 'demo-ci-integration-runner-image',
  title: 'Integration tests moved to the shared runner image',
  metric: 'ci.jobs.duration_p50_minutes',
} as const;

const cache = new WeakMap<DemoOptions, number>();

export function regressionAt(o: DemoOptions): Date {
  const hit = cache.get(o);
  if (hit !== undefined) return new Date(hit);
  const end = o.end.getTime();
  const start = end - o.days * DAY;
  const day = Math.max(start + Math.floor(o.days / 2) * DAY, end - REGRESSION.daysBeforeEnd * DAY);
  const at = day + REGRESSION.hourUtc * 3_600_000;
  cache.set(o, at);
  return new Date(at);
}

/** The factor a job's duration is multiplied by: REGRESSION.factor for the job from the date on. */
export function regressionFactor(ctx: DemoContext, job: string, createdAt: number): number {
  return job === REGRESSION.job && createdAt >= regressionAt(ctx.o).getTime() ? REGRESSION.factor : 1;
}

/** The annotation of the change behind the regression (emitted with the others, before the days). */
export function regressionAnnotation(ctx: DemoContext): void {
  ctx.emit({
    kind: 'annotation',
    id: REGRESSION.annotationId,
    occurred_at: regressionAt(ctx.o),
    title: REGRESSION.title,
    category: 'infrastructure',
    metric: REGRESSION.metric,
  });
}
