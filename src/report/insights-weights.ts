/**
 * How much a metric matters when it moves: the second factor of an insight's impact (the first
 * is the size of the move). Declared, not learned, so a reader can see why one item outranks
 * another. The first matching rule wins: an exact name, else the longest matching prefix.
 */
export const INSIGHT_WEIGHTS: readonly { match: string; weight: number; why: string }[] = [
  { match: 'dora.', weight: 3, why: 'a DORA key: delivery performance the business sees' },
  { match: 'dx.survey.nps', weight: 3, why: 'developers’ own verdict on the platform' },
  { match: 'dx.survey.satisfaction', weight: 3, why: 'developers’ own verdict on the platform' },
  {
    match: 'ci.runs.duration_p50_minutes',
    weight: 2.5,
    why: 'every developer waits on it, many times a day',
  },
  { match: 'github.prs.cycle_time', weight: 2.5, why: 'how long a change takes from first commit to merge' },
  { match: 'testenv.provision.duration', weight: 2, why: 'a wait on every reviewed change' },
  { match: 'ci.jobs.duration', weight: 2, why: 'a wait inside every CI run' },
  { match: 'ci.runs.duration', weight: 1.5, why: 'the slow tail of the CI wait' },
  { match: 'flow.cycle.', weight: 2, why: 'a phase of every change’s way to production' },
  { match: 'ci.runs.success_rate', weight: 2, why: 'red builds block merges' },
  { match: 'ci.tests.determinism', weight: 2, why: 'flaky tests cost re-runs and trust' },
  { match: 'dx.survey.', weight: 2, why: 'what developers report' },
  { match: 'local.', weight: 1.5, why: 'the inner loop on developers’ machines' },
  { match: 'ci.runs.count', weight: 0.5, why: 'volume, not experience' },
  { match: 'github.prs.count', weight: 0.5, why: 'volume, not experience' },
  { match: 'git.', weight: 0.5, why: 'activity counts say little about experience on their own' },
];
export const DEFAULT_WEIGHT = { weight: 1, why: 'no declared weight (the default)' };

export function weightOf(metric: string): { weight: number; why: string } {
  const exact = INSIGHT_WEIGHTS.find((w) => w.match === metric);
  if (exact) return exact;
  const prefix = INSIGHT_WEIGHTS.filter((w) => metric.startsWith(w.match)).sort(
    (a, b) => b.match.length - a.match.length,
  )[0];
  return prefix ?? DEFAULT_WEIGHT;
}

/** A breakdown (one CI job of six) matters less than the metric it is part of. */
export const BREAKDOWN_WEIGHT = 0.75;
