/** The shapes of experiments and their results: what `pitwall experiment show --json` and the API return. */
import type { CohortSpec, ControlSpec } from '../../domain/kinds/experiment.js';
import type { Estimate } from '../impact/types.js';

export type { CohortSpec, ControlSpec, Estimate };
export type ExperimentStatus = 'planned' | 'running' | 'stopped' | 'rolled_out';

export interface Experiment {
  id: string;
  name: string;
  hypothesis: string;
  metrics: string[];
  /** Hypothesised change per metric, % of the control's value. */
  expected: Record<string, number>;
  cohort: CohortSpec | null;
  control: ControlSpec;
  /** The cohort in words. */
  cohortText: string;
  startedAt: Date;
  endedAt: Date | null;
  status: ExperimentStatus;
  /** The experiment's own significance level, else `experiments.alpha`. */
  alpha: number | null;
  notes: string | null;
  participants: number;
}

/**
 * What the metric's values are, and so which test fits: durations and other medians (skewed) a rank test with a
 * bootstrap of the median; 0/1 rates two proportions; means (survey scores, counts per item) Welch's t.
 */
export type ResultKind = 'median' | 'rate' | 'mean';

export interface Arm {
  /** Events (the metric's facts rows) in the arm. */
  events: number;
  /** Distinct people behind them (or members of the arm's teams, for a metric without a person). */
  people: number;
  /** The arm's median (durations), share (rates) or mean; null when withheld or empty. */
  value: number | null;
  withheld: string | null;
}

export interface Power {
  /** The hypothesised change, % of control. */
  expectedPercent: number;
  /** Probability of finding that change significant at alpha with these arms. */
  power: number;
  /** Smallest change (in %) found with `experiments.power` at these arm sizes. */
  detectablePercent: number | null;
  /** Events per arm (equal arms) needed for `experiments.power`. */
  requiredPerArm: number | null;
}

export interface MetricResult {
  metric: string;
  title: string;
  unit: string;
  direction: 'lower_is_better' | 'higher_is_better';
  kind: ResultKind;
  control: Arm;
  treatment: Arm;
  /** (treatment − control) / control × 100, with its 1 − alpha interval (adjusted within teams when `stratified`). */
  percent: Estimate;
  /** treatment − control in the metric's unit (durations: of the medians; rates: points). */
  absolute: Estimate;
  test: { name: string; statistic: number | null; pValue: number | null };
  significant: boolean;
  /** Compared within teams (values centred on their team) so a cohort's team mix is no effect. */
  stratified: boolean;
  /** The change goes the metric's good way. */
  improved: boolean | null;
  power: Power | null;
  warnings: string[];
}

export type Recommendation = 'roll_out' | 'keep_running' | 'stop';

export interface ExperimentResults {
  experiment: Experiment;
  window: { from: Date; to: Date };
  alpha: number;
  results: MetricResult[];
  /** Null when there is nothing to compare (no cohort, not started). */
  recommendation: { action: Recommendation; reasons: string[] } | null;
  warnings: string[];
  method: { resamples: number; seed: number; power: number; minSample: number; hash: string };
}
