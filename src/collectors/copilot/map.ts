import type { RecordInput } from '../../domain/records.js';
import type { CopilotDay } from './schema.js';
import { gauge } from '../gauge.js';

type Point = RecordInput<'metric_point'>;

/** Where a day came from: the organisation, and the team for the team endpoint. */
export interface Scope {
  org: string;
  team?: string;
}

const FEATURES = [
  ['code_completions', 'copilot_ide_code_completions'],
  ['ide_chat', 'copilot_ide_chat'],
  ['dotcom_chat', 'copilot_dotcom_chat'],
  ['dotcom_pull_requests', 'copilot_dotcom_pull_requests'],
] as const;

const COUNTS = [
  ['copilot.suggestions', 'total_code_suggestions'],
  ['copilot.acceptances', 'total_code_acceptances'],
  ['copilot.lines_suggested', 'total_code_lines_suggested'],
  ['copilot.lines_accepted', 'total_code_lines_accepted'],
] as const;

/**
 * One API day as metric points at the day's start (UTC), tagged with the scope.
 * Users are gauges (people on that day: never added across days); suggestions, acceptances and
 * lines are counts per editor and language, summed over models (each model's counts are its own
 * suggestions). Engaged users per editor and language are the largest of its models' (a person
 * using two models is one person): a lower bound, which is the safe side for the rule that
 * withholds groups of fewer than five people. A breakdown (an editor, a language, an editor and
 * language) used by fewer than `minGroupSize` people is not stored at all: its counts would be
 * those few people's behaviour, readable through the points API. `withheld` counts those.
 */
export function mapDay(
  day: CopilotDay,
  scope: Scope,
  minGroupSize: number,
): { points: Point[]; withheld: number } {
  const at = `${day.date}T00:00:00.000Z`;
  const base: Record<string, string> = scope.team ? { org: scope.org, team: scope.team } : { org: scope.org };
  const out: Point[] = [];
  const point = (name: string, type: 'gauge' | 'count', value: number, tags: Record<string, string> = {}) =>
    out.push({ kind: 'metric_point', name, occurred_at: at, type, value, tags: { ...base, ...tags } });

  point('copilot.active_users', 'gauge', day.total_active_users);
  point('copilot.engaged_users', 'gauge', day.total_engaged_users);
  for (const [feature, key] of FEATURES) {
    const section = day[key];
    if (section) point('copilot.engaged_users', 'gauge', section.total_engaged_users, { feature });
  }
  const completions = day.copilot_ide_code_completions;
  let withheld = 0;
  if (!completions) return { points: out, withheld };
  const feature = 'code_completions';
  const enough = (people: number) => {
    if (people >= minGroupSize) return true;
    withheld++;
    return false;
  };
  for (const l of completions.languages)
    if (enough(l.total_engaged_users))
      point('copilot.engaged_users', 'gauge', l.total_engaged_users, { feature, language: l.name });
  for (const e of completions.editors) {
    if (enough(e.total_engaged_users))
      point('copilot.engaged_users', 'gauge', e.total_engaged_users, { feature, editor: e.name });
    const byLanguage = new Map<string, { engaged: number; counts: number[] }>();
    for (const m of e.models)
      for (const l of m.languages) {
        const acc = byLanguage.get(l.name) ?? { engaged: 0, counts: COUNTS.map(() => 0) };
        acc.engaged = Math.max(acc.engaged, l.total_engaged_users);
        COUNTS.forEach(([, field], i) => (acc.counts[i]! += l[field]));
        byLanguage.set(l.name, acc);
      }
    for (const [language, acc] of byLanguage) {
      if (!enough(acc.engaged)) continue;
      const tags = { editor: e.name, language };
      point('copilot.engaged_users', 'gauge', acc.engaged, { feature, ...tags });
      COUNTS.forEach(([name], i) => point(name, 'count', acc.counts[i]!, tags));
    }
  }
  return { points: out, withheld };
}

/** The organisation's licensed seats, sampled on the day of the run. */
export function seatsPoint(org: string, seats: number, now: Date): Point {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return gauge('copilot.seats', seats, day.toISOString(), { org });
}
