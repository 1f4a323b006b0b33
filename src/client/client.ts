import type {
  Annotation,
  CiStagesResponse,
  DoraResponse,
  DxiResponse,
  ErrorBody,
  ExplainResponse,
  FlakyResponse,
  HeadlineResponse,
  PointsResponse,
  HeatmapCell,
  ImpactResponse,
  IngestResult,
  InnerLoopResponse,
  InsightsResponse,
  ForecastResponse,
  MetricInfo,
  MetricSeries,
  Query,
  ReportResponse,
  Listener,
  Source,
  SpaceResponse,
  TestenvResponse,
} from './types.js';
import type { SurveyImportResponse } from './types.js';
import type { CorrelationResponse, RoiResponse, StrongestCorrelationsResponse } from './types.js';
import type { FeedbackInput, FeedbackSummaryResponse } from './types.js';
import type { ExperimentInfo, ExperimentInput, ExperimentResultsResponse } from './types.js';
import type { AlertInfo, AlertsResponse } from './types.js';

/** An error answer from the server: its HTTP status and the envelope's stable code. */
export class PitwallApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'PitwallApiError';
  }
}

export interface ClientOptions {
  /** e.g. http://127.0.0.1:4100; '' for the page's own origin (the web app). */
  baseUrl?: string;
  token?: string | null;
  fetch?: typeof fetch;
}

function queryString(q: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(q))
    if (v !== null && v !== undefined && v !== '') qs.set(k, v instanceof Date ? v.toISOString() : String(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** The one typed client of the HTTP API v1 (docs/api.md), used by the CLI and the web app. */
export class PitwallClient {
  private readonly base: string;
  private readonly token: string | null;
  private readonly fetchFn: typeof fetch;

  constructor(opts: ClientOptions = {}) {
    this.base = (opts.baseUrl ?? '').replace(/\/+$/, '');
    this.token = opts.token ?? null;
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, q?: Query): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetchFn(`${this.base}${path}${queryString(q)}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // A proxy's HTML error page: the status below still says what happened.
      parsed = null;
    }
    if (!res.ok) {
      const err = (parsed as Partial<ErrorBody> | null)?.error;
      throw new PitwallApiError(
        res.status,
        err?.code ?? 'http_error',
        err?.message ?? `${res.status} ${res.statusText}`,
        err?.details ?? null,
      );
    }
    return parsed as T;
  }

  private get<T>(path: string, q?: Query): Promise<T> {
    return this.request<T>('GET', `/api/v1${path}`, undefined, q);
  }
  private post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', `/api/v1${path}`, body);
  }

  registry = () => this.get<{ metrics: MetricInfo[] }>('/registry');
  metric = (name: string, q?: Query) => this.get<MetricSeries>(`/metrics/${encodeURIComponent(name)}`, q);
  explain = (name: string, q?: Query) =>
    this.get<ExplainResponse>(`/metrics/${encodeURIComponent(name)}/explain`, q);
  report = (q?: Query) => this.get<ReportResponse>('/report', q);
  dora = (q?: Query) => this.get<DoraResponse>('/dora', q);
  dxi = (q?: Query) => this.get<DxiResponse>('/dxi', q);
  ciStages = (q?: Query) => this.get<CiStagesResponse>('/ci/stages', q);
  queueHeatmap = (q?: Query) => this.get<{ cells: HeatmapCell[] }>('/ci/queue-heatmap', q);
  flaky = (q?: Query) => this.get<FlakyResponse>('/tests/flaky', q);
  testenvFailures = (q?: Query) =>
    this.get<{ from: string; to: string; categories: { category: string; count: number }[] }>(
      '/testenv/failures',
      q,
    );
  insights = (q?: Query) => this.get<InsightsResponse>('/insights', q);
  /** A metric's next quarter: `metric`, and optionally to, team. */
  forecast = (q: Query & { metric: string }) => this.get<ForecastResponse>('/insights/forecast', q);
  headline = (q?: Query) => this.get<HeadlineResponse>('/headline', q);
  /** A series' stats: `name`, and optionally stat, from, to, by, bucket, tag (key:value). */
  points = (q: Query & { name: string }) => this.get<PointsResponse>('/points', q);
  innerLoop = (q?: Query) => this.get<InnerLoopResponse>('/inner-loop', q);
  testenv = (q?: Query) => this.get<TestenvResponse>('/testenv', q);
  /** SPACE: from, to, team (docs/space.md). */
  space = (q?: Query) => this.get<SpaceResponse>('/space', q);
  teams = () => this.get<{ teams: { team: string; name: string | null }[] }>('/teams');
  repos = () => this.get<{ repos: { repo: string; team: string | null }[] }>('/repos');
  sources = () => this.get<{ sources: Source[] }>('/sources');
  listeners = () => this.get<{ listeners: Listener[] }>('/listeners');
  // Correlations (docs/correlations.md) and Platform ROI (docs/roi.md).
  /** Spearman over team x bucket points: x, y, bucket (week|month|quarter), from, to, min_n, alpha. */
  correlation = (q: Query & { x: string; y: string }) => this.get<CorrelationResponse>('/correlations', q);
  strongestCorrelations = () => this.get<StrongestCorrelationsResponse>('/correlations/strongest');
  /** Windows: annotation + days, or baseline and current (START..END); default the data's first and last 28 days. */
  roi = (q?: Query) => this.get<RoiResponse>('/roi', q);

  ingest = (records: readonly unknown[]) => this.post<IngestResult>('/ingest', { records });
  deployment = (b: {
    service: string;
    environment: string;
    sha: string;
    at?: string;
    started_at?: string;
    status?: 'success' | 'failure' | 'in_progress' | 'cancelled';
    repo?: string;
    id?: string;
  }) => this.post<{ id: string }>('/deployments', b);
  incident = (b: {
    service: string;
    at?: string;
    severity?: string;
    title?: string;
    deployment?: string;
    id?: string;
  }) => this.post<{ id: string }>('/incidents', b);
  resolveIncident = (id: string, b: { at?: string } = {}) =>
    this.post<{ id: string; resolved_at: string }>(`/incidents/${encodeURIComponent(id)}/resolve`, b);
  createToken = (b: { name: string; scopes: ('ingest' | 'read' | 'admin')[] }) =>
    this.post<{ id: string; token: string; scopes: string[] }>('/tokens', b);
  /** Marks a dated change (scope ingest); `title` is what changed. */
  annotate = (b: {
    title: string;
    at?: string;
    metric?: string;
    repo?: string;
    team?: string;
    category?: string;
    id?: string;
  }) => this.post<{ id: string; occurred_at: string }>('/annotations', b);
  annotations = (q?: Query) => this.get<{ annotations: Annotation[] }>('/annotations', q);
  /** metric, and annotation (with days) or before/after as START..END; other keys filter (repo=...). */
  impact = (q: Query) => this.get<ImpactResponse>('/impact', q);

  // Feedback and friction (docs/feedback.md).
  /** Scope ingest, or none for anonymous feedback when feedback.public_form is on. */
  feedback = (b: FeedbackInput) =>
    this.post<{ id: string; occurred_at: string; anonymous: boolean }>('/feedback', b);
  /** from, to, team. */
  feedbackSummary = (q?: Query) => this.get<FeedbackSummaryResponse>('/feedback/summary', q);

  // Experiments (docs/experiments.md): design with scope ingest, results with read.
  createExperiment = (b: ExperimentInput) => this.post<ExperimentInfo>('/experiments', b);
  experiments = () => this.get<{ experiments: ExperimentInfo[] }>('/experiments');
  /** Every experiment with its results (the Experiments page). */
  experimentsWithResults = () =>
    this.get<{ experiments: ExperimentInfo[]; results: ExperimentResultsResponse[] }>('/experiments', {
      results: 'true',
    });
  experiment = (id: string) => this.get<ExperimentResultsResponse>(`/experiments/${encodeURIComponent(id)}`);
  stopExperiment = (id: string, b: { at?: string; note?: string } = {}) =>
    this.post<ExperimentInfo>(`/experiments/${encodeURIComponent(id)}/stop`, b);
  rolloutExperiment = (id: string, b: { at?: string; note?: string } = {}) =>
    this.post<ExperimentInfo>(`/experiments/${encodeURIComponent(id)}/rollout`, b);

  // Surveys (docs/surveys.md): an export posted as the file it is, with scope ingest.
  /** A Qualtrics CSV export (format qualtrics) or a CSV mapped in surveys.csv (format csv). */
  importSurvey = async (csv: string, q: { format: 'qualtrics' | 'csv'; survey: string }) => {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'text/csv; charset=utf-8',
    };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await this.fetchFn(`${this.base}/api/v1/surveys${queryString(q)}`, {
      method: 'POST',
      headers,
      body: csv,
    });
    const parsed = (await res.json().catch(() => null)) as unknown;
    if (!res.ok) {
      const err = (parsed as Partial<ErrorBody> | null)?.error;
      throw new PitwallApiError(
        res.status,
        err?.code ?? 'http_error',
        err?.message ?? `${res.status} ${res.statusText}`,
        err?.details ?? null,
      );
    }
    return parsed as SurveyImportResponse;
  };

  // Alerts (docs/alerts.md): list with read; acknowledge and silence with scope ingest.
  /** state: active (default: firing and pending), firing, pending, resolved, all. */
  alerts = (q?: Query) => this.get<AlertsResponse>('/alerts', q);
  acknowledgeAlert = (id: string, b: { by?: string } = {}) =>
    this.post<{ alert: AlertInfo }>(`/alerts/${encodeURIComponent(id)}/ack`, b);
  /** until: ISO-8601, or null to lift the silence. */
  silenceAlert = (id: string, until: string | null) =>
    this.post<{ alert: AlertInfo }>(`/alerts/${encodeURIComponent(id)}/silence`, { until });

  healthz = () => this.request<{ ok: boolean; store: string }>('GET', '/healthz');
  /** Prometheus text exposition. */
  async prometheus(): Promise<string> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    const res = await this.fetchFn(`${this.base}/metrics`, { headers });
    const text = await res.text();
    if (!res.ok) throw new PitwallApiError(res.status, 'http_error', text);
    return text;
  }
}
