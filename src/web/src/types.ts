/** The API's shapes as the browser sees them, named for the dashboards; all come from the client. */
import type {
  CiStagesResponse,
  Direction,
  DoraResponse,
  DoraTier,
  FlakyResponse,
  HeadlineResponse,
  ImpactResponse,
  InnerLoopResponse,
  InsightsResponse,
  ForecastResponse,
  MetricInfo,
  MetricSeries,
  Status,
  TestenvResponse,
} from '../../client/index.js';

export type { DoraTier, Direction, MetricInfo, MetricSeries, Status };
export type { HeatmapCell as HeatCell, Source } from '../../client/index.js';
export type MetricPoint = MetricSeries['values'][number];
export type DoraSummary = DoraResponse;
export type StageRow = CiStagesResponse['stages'][number];
export type FlakyTest = FlakyResponse['tests'][number];
export type Insight = InsightsResponse['attention'][number];
export type Forecast = ForecastResponse;
export type Headline = HeadlineResponse;
export type HeadlineInputs = HeadlineResponse['hoursSavedInputs']['current'];
export type InnerLoop = InnerLoopResponse;
export type InnerLoopRow = InnerLoopResponse['byCategory'][number];
export type Testenv = TestenvResponse;
export type { Annotation } from '../../client/index.js';
export type Impact = ImpactResponse;
export type ImpactComparison = ImpactResponse['comparisons'][number];

// Correlations and Platform ROI.
export type {
  CorrelationResponse as Correlation,
  RoiResponse as Roi,
  StrongestCorrelationsResponse as StrongestCorrelations,
} from '../../client/index.js';
export type { AlertInfo } from '../../client/index.js';
