import { fnv1a } from '../domain/fnv1a.js';
import type { DemoContext } from './context.js';
import type { DemoOrg } from './org.js';

const DAY = 86_400_000;

/**
 * Platform adoption the SPACE report reads from metric points: an AI assistant and the
 * developer portal, each used by a planted share of every team. Adopters are the first
 * round(share × members) of each team ordered by a stable hash of their login, so the set is
 * known before generation (DemoTruth.adoption) and does not depend on any random stream: the
 * other streams draw exactly what they drew before this file existed.
 */
export const ADOPTION = {
  ai_assistant: { metric: 'ai.assistant.sessions', share: 0.75 },
  portal: { metric: 'portal.sessions', share: 0.875 },
} as const;
export type AdoptionId = keyof typeof ADOPTION;

/** Each tool's adopters, per team, from the options alone. */
export function adopters(org: DemoOrg): Record<AdoptionId, string[]> {
  const pick = (id: AdoptionId) =>
    org.teams.flatMap((t) => {
      const ranked = [...t.members].sort(
        (a, b) => fnv1a(`${id}:${a}`) - fnv1a(`${id}:${b}`) || a.localeCompare(b),
      );
      return ranked.slice(0, Math.round(ADOPTION[id].share * ranked.length));
    });
  return { ai_assistant: pick('ai_assistant'), portal: pick('portal') };
}

/** One daily usage counter per adopter and weekday, tagged with the user and their team. */
export function adoptionDay(ctx: DemoContext, dayStart: number, who: Record<AdoptionId, string[]>): void {
  const weekday = new Date(dayStart).getUTCDay();
  if (weekday === 0 || weekday === 6) return;
  const teamOf = new Map(ctx.org.developers.map((d) => [d.login, d.team]));
  for (const id of Object.keys(ADOPTION) as AdoptionId[])
    for (const user of who[id])
      ctx.emit({
        kind: 'metric_point',
        name: ADOPTION[id].metric,
        occurred_at: new Date(dayStart + 17 * 3_600_000),
        type: 'count',
        value: 1 + (fnv1a(`${id}:${user}:${Math.floor(dayStart / DAY)}`) % 12),
        tags: { user, team: teamOf.get(user)! },
      });
}
