import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Queryable } from '../store/store.js';

/**
 * The Developer Experience Index of the CI seed:
 *   DXI = Speed × 0.3 + Reliability × 0.3 + Satisfaction × 0.2 + Efficiency × 0.2
 * Each term is brought to 0..1 so no unit dominates, and DXI is reported on 0..100:
 *   Speed        = min(1, target lead time / median lead time)   (seed: 1 / lead time; target = DORA elite, 24 h)
 *   Reliability  = CI success rate × test determinism rate        (seed: success × (1 − flake rate))
 *   Satisfaction = (survey satisfaction − 1) / 4                   (1–5 scale → 0..1; the seed's 1–10 scale maps the same way)
 *   Efficiency   = 1 − share of CI time spent queueing             (productive CI time / all CI wait)
 * A term whose input has no data is null, and so is DXI: a partial index would mislead.
 */
export const DXI_WEIGHTS = { speed: 0.3, reliability: 0.3, satisfaction: 0.2, efficiency: 0.2 } as const;
export const DXI_LEAD_TIME_TARGET_HOURS = 24;

export interface DxiTerm {
  term: keyof typeof DXI_WEIGHTS;
  weight: number;
  score: number | null;
  /** `withheld`: the input is personal (a survey) and over too few people; the term is then null. */
  inputs: { metric: string; value: number | null; withheld?: string }[];
}

export interface Dxi {
  from: Date;
  to: Date;
  group: string | null;
  dxi: number | null;
  terms: DxiTerm[];
}

const INPUTS = {
  lead: 'dora.lead_time.median_hours',
  success: 'ci.runs.success_rate',
  determinism: 'ci.tests.determinism_rate',
  satisfaction: 'dx.survey.satisfaction',
  queue: 'ci.jobs.queue_share',
} as const;

export async function computeDxi(
  store: Queryable,
  registry: MetricRegistry,
  req: { from: Date; to: Date },
): Promise<Dxi> {
  const read = await Promise.all(
    Object.entries(INPUTS).map(
      async ([k, metric]) => [k, (await registry.compute(store, metric, req))[0]] as const,
    ),
  );
  const v = Object.fromEntries(read.map(([k, r]) => [k, r?.value ?? null])) as Record<
    keyof typeof INPUTS,
    number | null
  >;
  const withheld = Object.fromEntries(read.filter(([, r]) => r?.withheld).map(([k, r]) => [k, r!.withheld]));
  const both = (a: number | null, b: number | null, f: (a: number, b: number) => number) =>
    a === null || b === null ? null : f(a, b);
  const terms: DxiTerm[] = [
    {
      term: 'speed',
      weight: DXI_WEIGHTS.speed,
      score: v.lead === null ? null : Math.min(1, DXI_LEAD_TIME_TARGET_HOURS / Math.max(v.lead, 1e-9)),
      inputs: [{ metric: INPUTS.lead, value: v.lead }],
    },
    {
      term: 'reliability',
      weight: DXI_WEIGHTS.reliability,
      score: both(v.success, v.determinism, (a, b) => a * b),
      inputs: [
        { metric: INPUTS.success, value: v.success },
        { metric: INPUTS.determinism, value: v.determinism },
      ],
    },
    {
      term: 'satisfaction',
      weight: DXI_WEIGHTS.satisfaction,
      score: v.satisfaction === null ? null : Math.min(1, Math.max(0, (v.satisfaction - 1) / 4)),
      inputs: [
        {
          metric: INPUTS.satisfaction,
          value: v.satisfaction,
          ...(withheld.satisfaction ? { withheld: withheld.satisfaction } : {}),
        },
      ],
    },
    {
      term: 'efficiency',
      weight: DXI_WEIGHTS.efficiency,
      score: v.queue === null ? null : 1 - v.queue,
      inputs: [{ metric: INPUTS.queue, value: v.queue }],
    },
  ];
  const dxi = terms.some((t) => t.score === null)
    ? null
    : 100 * terms.reduce((s, t) => s + t.weight * t.score!, 0);
  return { from: req.from, to: req.to, group: null, dxi, terms };
}
