import type { MetricRegistry } from '../metrics/registry/registry.js';
import { withheldReason } from '../metrics/registry/privacy.js';
import type { MetricValue } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';
import { compileThemes, themesIn, type Driver, type FeedbackReportSettings } from './feedback-themes.js';

const FRICTION = 'dx.feedback.friction_reports';

export interface FeedbackQuery {
  from: Date;
  to: Date;
  /** Only feedback and comments of this team. */
  team?: string | null;
}

/** One category's friction reports in the window and the equal window before it. */
export interface CategoryFriction {
  category: string;
  /** null when withheld (fewer than privacy.min_group_size people reported). */
  reports: number | null;
  previous: number | null;
  /** Reports now minus before; null when either side is withheld. */
  change: number | null;
  people: number;
  withheld: string | null;
}

export interface WeekFriction {
  week: string;
  reports: number | null;
  withheld: string | null;
}

/** A theme as a driver of (dis)satisfaction: how many distinct developers mentioned it. */
export interface ThemeDriver {
  theme: string;
  label: string;
  driver: Driver;
  /** Distinct named developers (feedback authors, survey respondents); null when withheld. */
  people: number | null;
  /** Feedback entries and comments that mention it, named or anonymous; null when withheld. */
  mentions: number | null;
  /** Mentions in anonymous feedback: they name nobody, so they are never withheld. */
  anonymous: number;
  withheld: string | null;
  /** The line the page shows, e.g. "Slow CI builds: mentioned by 18 developers". */
  summary: string;
}

export interface FeedbackSummary {
  window: { from: string; to: string };
  previousWindow: { from: string; to: string };
  team: string | null;
  minGroupSize: number;
  friction: {
    total: { reports: number | null; previous: number | null; withheld: string | null };
    byCategory: CategoryFriction[];
    weekly: WeekFriction[];
  };
  drivers: { satisfaction: ThemeDriver[]; dissatisfaction: ThemeDriver[] };
  /** Configured themes nothing in the window mentions. */
  unmentioned: string[];
  /** What the drivers were read from. */
  sources: { feedback: number; comments: number };
}

interface Text {
  person: string | null;
  text: string;
}

/** Feedback texts and survey comments of the window: the person behind each (null: anonymous), never shown. */
async function texts(store: Queryable, q: FeedbackQuery): Promise<{ feedback: Text[]; comments: Text[] }> {
  const team = q.team ?? null;
  const params = team === null ? [q.from, q.to] : [q.from, q.to, team];
  const byTeam = team === null ? '' : ' and team = $3';
  const [feedback, comments] = await Promise.all([
    store.query<{ person: string | null; text: string }>(
      `select author as person, text from feedback where occurred_at >= $1 and occurred_at < $2${byTeam}`,
      params,
    ),
    store.query<{ person: string; text: string }>(
      `select respondent as person, comment as text from survey_responses
        where answered_at >= $1 and answered_at < $2 and comment is not null and comment <> ''${byTeam}`,
      params,
    ),
  ]);
  return { feedback, comments };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function summaryLine(
  label: string,
  people: number | null,
  anonymous: number,
  withheld: string | null,
): string {
  if (withheld) return `${label}: ${withheld}`;
  const named = `mentioned by ${plural(people ?? 0, 'developer', 'developers')}`;
  return anonymous > 0
    ? `${label}: ${named} and ${plural(anonymous, 'anonymous report', 'anonymous reports')}`
    : `${label}: ${named}`;
}

/**
 * The top drivers: for each configured theme, the distinct developers whose feedback or survey
 * comments mention it. A theme mentioned by fewer than privacy.min_group_size named developers
 * is withheld (anonymous mentions still show). No text is ever returned, so no comment is
 * quoted next to who wrote it. Withheld themes sort last in config order: their place among
 * the counted ones would hint at their size.
 */
export function themeDrivers(
  settings: FeedbackReportSettings & { minGroupSize: number },
  sources: { feedback: readonly Text[]; comments: readonly Text[] },
): { drivers: ThemeDriver[]; unmentioned: string[] } {
  const themes = compileThemes(settings);
  const k = settings.minGroupSize;
  const acc = new Map(themes.map((t) => [t.id, { people: new Set<string>(), mentions: 0, anonymous: 0 }]));
  for (const item of [...sources.feedback, ...sources.comments])
    for (const id of themesIn(item.text, themes)) {
      const a = acc.get(id)!;
      a.mentions++;
      if (item.person === null) a.anonymous++;
      else a.people.add(item.person);
    }
  const drivers: ThemeDriver[] = [];
  const unmentioned: string[] = [];
  for (const t of themes) {
    const a = acc.get(t.id)!;
    if (a.mentions === 0) {
      unmentioned.push(t.id);
      continue;
    }
    const people = a.people.size;
    const withheld = people > 0 ? withheldReason(people, k) : null;
    drivers.push({
      theme: t.id,
      label: t.label,
      driver: t.driver,
      people: withheld ? null : people,
      mentions: withheld ? null : a.mentions,
      anonymous: a.anonymous,
      withheld,
      summary: summaryLine(t.label, people, a.anonymous, withheld),
    });
  }
  const rank = (d: ThemeDriver) => (d.withheld ? -1 : (d.people ?? 0) + d.anonymous / 1e6);
  const order = (a: ThemeDriver, b: ThemeDriver) => (a.withheld && b.withheld ? 0 : rank(b) - rank(a));
  return { drivers: drivers.sort(order), unmentioned };
}

const valueOf = (v: MetricValue | undefined) => (v ? v.value : 0);
const reasonOf = (v: MetricValue | undefined) => v?.withheld ?? null;

/** Friction by category with its trend, and the top drivers, for the Feedback page and the API. */
export async function feedbackSummary(
  store: Queryable,
  registry: MetricRegistry,
  settings: FeedbackReportSettings,
  q: FeedbackQuery,
): Promise<FeedbackSummary> {
  const span = q.to.getTime() - q.from.getTime();
  const previousFrom = new Date(q.from.getTime() - span);
  const where = q.team ? { team: q.team } : undefined;
  const [total, byCategory, weekly, read] = await Promise.all([
    registry.computeWindows(store, FRICTION, { from: q.from, to: q.to, previousFrom, where }),
    registry.computeWindows(store, FRICTION, { from: q.from, to: q.to, previousFrom, by: 'category', where }),
    registry.compute(store, FRICTION, { from: q.from, to: q.to, bucket: 'week', where }),
    texts(store, q),
  ]);
  const categories = new Set(
    [...byCategory.current, ...byCategory.previous].map((v) => v.group ?? 'uncategorised'),
  );
  const find = (list: MetricValue[], c: string) => list.find((v) => (v.group ?? 'uncategorised') === c);
  const rows: CategoryFriction[] = [...categories].map((category) => {
    const cur = find(byCategory.current, category);
    const prev = find(byCategory.previous, category);
    const reports = valueOf(cur);
    const previous = valueOf(prev);
    return {
      category,
      reports,
      previous,
      change: reports === null || previous === null ? null : reports - previous,
      people: cur?.people ?? 0,
      withheld: reasonOf(cur),
    };
  });
  // Counted categories by reports, then withheld ones by name (their size stays hidden).
  rows.sort((a, b) =>
    a.reports === null || b.reports === null
      ? Number(a.reports === null) - Number(b.reports === null) || a.category.localeCompare(b.category)
      : b.reports - a.reports || a.category.localeCompare(b.category),
  );
  const { drivers, unmentioned } = themeDrivers({ ...settings, minGroupSize: registry.minGroupSize }, read);
  const iso = (d: Date) => d.toISOString();
  return {
    window: { from: iso(q.from), to: iso(q.to) },
    previousWindow: { from: iso(previousFrom), to: iso(q.from) },
    team: q.team ?? null,
    minGroupSize: registry.minGroupSize,
    friction: {
      total: {
        reports: valueOf(total.current[0]),
        previous: valueOf(total.previous[0]),
        withheld: reasonOf(total.current[0]),
      },
      byCategory: rows,
      weekly: weekly.map((w) => ({
        week: iso(w.bucket ?? q.from).slice(0, 10),
        reports: w.value,
        withheld: w.withheld ?? null,
      })),
    },
    drivers: {
      satisfaction: drivers.filter((d) => d.driver === 'satisfaction').slice(0, settings.top),
      dissatisfaction: drivers.filter((d) => d.driver === 'dissatisfaction').slice(0, settings.top),
    },
    unmentioned,
    sources: { feedback: read.feedback.length, comments: read.comments.length },
  };
}
