import { readAlerts, type Alert } from '../../alerts/state.js';
import type { Config } from '../../config/schema.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { Queryable } from '../../store/store.js';
import { buildReport, type ReportLine } from '../build.js';
import { buildInsights } from '../insights.js';

export type DigestPeriod = 'week' | 'month';
export const DIGEST_PERIODS: readonly DigestPeriod[] = ['week', 'month'];

/** The four DORA keys, the headline of both digests. */
export const DIGEST_DORA = [
  'dora.deploys.days_per_week',
  'dora.lead_time.median_hours',
  'dora.change_failure.rate',
  'dora.recovery.failed_deployment_hours',
] as const;

/** The platform's own health in the monthly report. */
const PLATFORM = ['ci.runs.success_rate', 'ci.runs.duration_p90_minutes', 'ci.jobs.queue_p95_seconds'];

/** How many attention items and wins a digest lists: what fits in an executive's minute. */
export const DIGEST_ITEMS = 5;

export interface DigestItem {
  message: string;
  action: string;
}

export interface DigestAlert {
  id: string;
  rule: string;
  group: string | null;
  metric: string;
  severity: string;
  value: number | null;
  threshold: number;
  firedAt: Date | null;
  acknowledged: boolean;
}

export interface Digest {
  period: DigestPeriod;
  title: string;
  subject: string;
  from: Date;
  to: Date;
  previousFrom: Date;
  /** Overall DORA tier (the weakest key's). */
  doraTier: string | null;
  dora: ReportLine[];
  /** NPS in the weekly digest; every survey construct in the monthly report. Withheld lines keep their reason. */
  satisfaction: ReportLine[];
  /** The monthly report only: CI health. */
  platform: ReportLine[];
  attention: DigestItem[];
  wins: DigestItem[];
  /** Firing now. */
  activeAlerts: DigestAlert[];
  /** Alerts that fired during the period (some may have resolved since). */
  firedInPeriod: number;
}

const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * The period a digest covers, ending at `now`: the week is the 7 whole UTC days before today;
 * the month is the last whole calendar month (so the report sent on the 1st covers the month
 * just ended, and one asked for mid-month covers the month before).
 */
export function digestWindow(period: DigestPeriod, now: Date): { from: Date; to: Date } {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (period === 'week') return { from: new Date(today.getTime() - 7 * DAY), to: today };
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { from: new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1)), to };
}

const toDigestAlert = (a: Alert): DigestAlert => ({
  id: a.id,
  rule: a.rule,
  group: a.group,
  metric: a.metric,
  severity: a.severity,
  value: a.value,
  threshold: a.threshold,
  firedAt: a.firedAt,
  acknowledged: a.acknowledgedAt !== null,
});

/**
 * The weekly executive digest (DORA, NPS, attention and wins, active alerts) or the monthly
 * State of DevEx (the same over the month, plus every survey construct and CI health), from the
 * registry and the insights, so its numbers are the dashboards' numbers.
 */
export async function buildDigest(
  store: Queryable,
  registry: MetricRegistry,
  config: Config,
  req: { period: DigestPeriod; now: Date },
): Promise<Digest> {
  const { from, to } = digestWindow(req.period, req.now);
  const known = new Set(registry.list().map((d) => d.name));
  const survey =
    req.period === 'week'
      ? ['dx.survey.nps']
      : registry
          .list()
          .map((d) => d.name)
          .filter((n) => n.startsWith('dx.survey.'));
  const platform = req.period === 'month' ? PLATFORM : [];
  const metrics = [...DIGEST_DORA, ...survey, ...platform].filter((m) => known.has(m));
  const [report, insights, alerts] = await Promise.all([
    buildReport(store, registry, config, { from, to, metrics }),
    buildInsights(store, registry, config, { from, to }),
    readAlerts(store),
  ]);
  const pick = (names: readonly string[]) =>
    names.flatMap((n) => report.lines.filter((l) => l.metric === n && l.group === null));
  const items = (list: { message: string; action: string }[]) =>
    list.slice(0, DIGEST_ITEMS).map((i) => ({ message: i.message, action: i.action }));
  const title =
    req.period === 'week'
      ? `Weekly engineering digest, ${day(from)} to ${day(new Date(to.getTime() - DAY))}`
      : `State of DevEx, ${MONTHS[from.getUTCMonth()]} ${from.getUTCFullYear()}`;
  return {
    period: req.period,
    title,
    subject: title,
    from,
    to,
    previousFrom: report.previousFrom,
    doraTier: report.doraTier[''] ?? null,
    dora: pick(DIGEST_DORA),
    satisfaction: pick(survey),
    platform: pick(platform),
    attention: items(insights.attention),
    wins: items(insights.wins),
    activeAlerts: alerts.filter((a) => a.state === 'firing').map(toDigestAlert),
    firedInPeriod: alerts.filter((a) => a.firedAt && a.firedAt >= from && a.firedAt < to).length,
  };
}
