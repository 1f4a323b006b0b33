/**
 * Response shapes of the HTTP API v1, derived from the server's own types so the two cannot
 * drift: JSON turns every Date into an ISO string, which `Json<T>` says in the type.
 * Type-only imports: nothing from the server is bundled into a browser.
 */
import type { IngestResult, RecordProblem } from '../ingest/ingest.js';
import type { AnnotationRow, ImpactReport } from '../report/impact/types.js';
import type { Explanation } from '../metrics/registry/registry.js';
import type { MetricDefinition, MetricValue } from '../metrics/registry/types.js';
import type { FlakyTest } from '../metrics/tests/flaky.js';
import type { Report } from '../report/build.js';
import type { CiStages } from '../report/ci-stages.js';
import type { DoraSummary } from '../report/dora.js';
import type { Dxi } from '../report/dxi.js';
import type { Headline } from '../report/headline.js';
import type { PointsAnswer } from '../report/points.js';
import type { Insights } from '../report/insights.js';
import type { Forecast } from '../report/forecast.js';
import type { InnerLoopReport } from '../report/inner-loop.js';
import type { HeatmapCell } from '../report/queue-heatmap.js';
import type { TestenvReport } from '../report/testenv.js';
import type { SpaceReport } from '../report/space.js';
import type { SourceState } from '../collectors/sources.js';
import type { ListenerState } from '../server/listeners.js';
import type { AlertView } from '../server/alerts.js';
import type { AlertRule } from '../alerts/config.js';
import type { SurveyImportAnswer } from '../server/surveys.js';
import type { Correlation } from '../report/correlations.js';
import type { StrongestTable } from '../report/correlations-strongest.js';
import type { RoiReport } from '../report/roi.js';

export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export type MetricInfo = Pick<
  MetricDefinition,
  'name' | 'version' | 'title' | 'unit' | 'description' | 'why' | 'action' | 'direction' | 'groupBy'
> & {
  thresholds: MetricDefinition['thresholds'] | null;
  /** Values describe people: withheld below privacy.min_group_size people (docs/privacy.md). */
  personal: boolean;
};

export interface MetricSeries {
  metric: string;
  from: string;
  to: string;
  bucket: 'day' | 'week' | 'month' | null;
  by: string | null;
  values: Json<MetricValue>[];
}

export type ReportResponse = Json<Report>;
export type DoraResponse = Json<DoraSummary>;
export type DxiResponse = Json<Dxi>;
export type CiStagesResponse = Json<CiStages>;
export type HeadlineResponse = Json<Headline>;
/** GET /api/v1/points: a StatsD series' stats and merged-sketch percentiles (docs/retention.md). */
export type PointsResponse = Json<PointsAnswer>;
export type InsightsResponse = Json<Insights>;
/** GET /api/v1/insights/forecast: a metric's next quarter with its prediction interval (docs/insights.md). */
export type ForecastResponse = Json<Forecast>;
export type InnerLoopResponse = Json<InnerLoopReport>;
export type TestenvResponse = Json<TestenvReport>;
/** GET /api/v1/space: the SPACE deep dive and executive panel (docs/space.md). */
export type SpaceResponse = Json<SpaceReport>;
export type ExplainResponse = Json<Explanation>;
export interface FlakyResponse {
  from: string;
  to: string;
  tests: Json<FlakyTest>[];
}
export type Source = Json<Omit<SourceState, 'cursor'>>;
/** GET /api/v1/listeners: a listener's intake health and its cardinality guard's counts. */
export type Listener = Json<ListenerState>;
export type { HeatmapCell, IngestResult, RecordProblem };
/** Words the API's answers use for a metric's judgement; the dashboards take them from here. */
export type { DoraTier } from '../metrics/dora/tiers.js';
export type { Direction, Status } from '../metrics/registry/types.js';

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

/** Window and filters of a read: from/to (ISO), bucket, by, and group-by filters (team=, repo=, ...). */
export type Query = Record<string, string | number | Date | null | undefined>;

/** GET /api/v1/impact: a metric before and after a change (docs/impact.md). */
export type ImpactResponse = Json<ImpactReport>;
/** GET /api/v1/annotations: dated changes, newest first. */
export type Annotation = Json<AnnotationRow>;

/** GET /api/v1/feedback/summary: friction by category with trend, top drivers by theme (docs/feedback.md). */
export type FeedbackSummaryResponse = Json<import('../report/feedback.js').FeedbackSummary>;
/** POST /api/v1/feedback: one piece of feedback (anonymous when no author is given). */
export interface FeedbackInput {
  category: string;
  sentiment: 'praise' | 'friction' | 'idea' | 'other';
  text: string;
  team?: string;
  /** Stored as a keyed-hash pseudonym; needs the ingest scope. */
  author?: string;
  occurred_at?: string;
  id?: string;
}

// Correlations (docs/correlations.md) and Platform ROI (docs/roi.md).
export type CorrelationResponse = Json<Correlation>;
/** `stale`: an older table served while a newer one is computed. */
export type StrongestCorrelationsResponse = Json<StrongestTable & { stale: boolean }>;
export type RoiResponse = Json<RoiReport>;

// Experiments (docs/experiments.md).
/** An experiment's design: GET /api/v1/experiments lists them, POST returns the one created. */
export type ExperimentInfo = Json<import('../report/experiments/types.js').Experiment>;
/** GET /api/v1/experiments/:id: results per metric, warnings and the recommendation. */
export type ExperimentResultsResponse = Json<import('../report/experiments/types.js').ExperimentResults>;
/** POST /api/v1/experiments: the design; cohort {type: share|teams|people}, control {type: rest|teams}. */
export interface ExperimentInput {
  id?: string;
  name: string;
  hypothesis?: string;
  metrics: string[];
  /** Hypothesised change per metric, %: e.g. { "github.prs.time_to_first_review_hours": -30 }. */
  expect?: Record<string, number>;
  cohort:
    | { type: 'share'; share: number }
    | { type: 'teams'; teams: string[] }
    | { type: 'people'; people: string[] };
  control?: { type: 'rest' } | { type: 'teams'; teams: string[] };
  start?: string;
  end?: string | null;
  alpha?: number;
  notes?: string;
}

/** POST /api/v1/surveys: what the import read and wrote (docs/surveys.md). */
export type SurveyImportResponse = Json<SurveyImportAnswer>;

// Alerts (docs/alerts.md)
/** An alert as GET /api/v1/alerts lists it: its rule's condition and value in words too. */
export type AlertInfo = Json<AlertView>;
export interface AlertsResponse {
  alerts: AlertInfo[];
  rules: Json<
    Pick<
      AlertRule,
      'name' | 'metric' | 'when' | 'threshold' | 'window' | 'for' | 'by' | 'severity' | 'channels'
    >
  >[];
}
