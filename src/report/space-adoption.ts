import { activityFacts } from '../metrics/definitions/space.js';
import { withheldReason } from '../metrics/registry/privacy.js';
import type { Queryable } from '../store/store.js';
import { placeholders } from '../store/store.js';
import type { AdoptionItem } from './space-config.js';

export interface AdoptionWindow {
  from: Date;
  to: Date;
  team: string | null;
}

/**
 * The people a share of developers is over: everyone active in the window (committed, opened a
 * PR or reviewed; the activity metrics' own facts), in the team when one is asked for.
 */
export async function activeDevelopers(store: Queryable, w: AdoptionWindow): Promise<Set<string>> {
  const rows = await store.query<{ person: string }>(
    `with f as (${activityFacts('commit')})
     select distinct person from f where ts >= $1::timestamp and ts < $2::timestamp
       and ($3::text is null or team = $3::text)`,
    [w.from, w.to, w.team],
  );
  return new Set(rows.map((r) => r.person));
}

export interface AdoptionCount {
  /** Developers who used it in the window, among `developers`; null when withheld. */
  users: number | null;
  /** Active developers plus adopters who were not otherwise active. */
  developers: number;
  share: number | null;
  withheld?: string;
  /** Set when the metric has no points at all: not measured, so not scored (rather than 0%). */
  note?: string;
}

/**
 * One adoption measure: distinct values of the item's user tag on points (value > 0) of its
 * metric in the window, raw and rolled up (retention keeps the tags in daily_rollups). With a
 * team, an adopter counts when the point's `team` tag, their people row or their activity puts
 * them in it. The share is withheld below `minGroupSize` developers.
 */
export async function adoptionOf(
  store: Queryable,
  item: AdoptionItem,
  w: AdoptionWindow,
  developers: ReadonlySet<string>,
  minGroupSize: number,
): Promise<AdoptionCount> {
  const tagRows = await store.query<{ tags: string }>(
    `select distinct tags from metric_points
       where name = $3 and occurred_at >= $1::timestamp and occurred_at < $2::timestamp and value > 0
     union
     select distinct tags from daily_rollups
       where name = $3 and day >= $1::timestamp and day < $2::timestamp and coalesce(sum, 0) > 0`,
    [w.from, w.to, item.metric],
  );
  if (!tagRows.length) {
    const any = await store.query(
      `select 1 as x from metric_points where name = $1
       union all select 1 as x from daily_rollups where name = $1 limit 1`,
      [item.metric],
    );
    if (!any.length)
      return {
        users: null,
        developers: developers.size,
        share: null,
        note: `no ${item.metric} points collected`,
      };
  }
  const users = new Map<string, string | null>();
  for (const r of tagRows) {
    let tags: Record<string, unknown>;
    try {
      tags = JSON.parse(r.tags) as Record<string, unknown>;
    } catch {
      continue;
    }
    const user = tags[item.user_tag];
    if (user === undefined || user === null || user === '') continue;
    users.set(String(user), tags.team === undefined ? (users.get(String(user)) ?? null) : String(tags.team));
  }
  let adopters = [...users.keys()];
  if (w.team !== null) {
    const outside = adopters.filter((u) => !developers.has(u) && users.get(u) !== w.team);
    const teams = outside.length
      ? await store.query<{ login: string; team: string | null }>(
          `select login, team from people where login in (${placeholders(outside.length)})`,
          outside,
        )
      : [];
    const inTeam = new Set(teams.filter((p) => p.team === w.team).map((p) => p.login));
    adopters = adopters.filter((u) => developers.has(u) || users.get(u) === w.team || inTeam.has(u));
  }
  const population = new Set([...developers, ...adopters]).size;
  const withheld = withheldReason(population, minGroupSize);
  if (withheld) return { users: null, developers: population, share: null, withheld };
  return { users: adopters.length, developers: population, share: adopters.length / population };
}
