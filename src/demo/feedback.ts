import type { DemoContext } from './context.js';

const FEEDBACK = {
  praise: {
    ci: 'CI got noticeably faster',
    review: 'Reviews come back quickly',
    tooling: 'The new CLI is great',
  },
  friction: {
    ci: 'Flaky e2e tests block merges',
    environments: 'Test environments take too long',
    docs: 'Onboarding docs are out of date',
  },
} as const;

/** Three feedback entries per team on the day each monthly pulse goes out, praise or friction. */
export function feedbackDay(ctx: DemoContext, dayStart: number): void {
  if (new Date(dayStart).getUTCDate() !== 1) return;
  const rng = ctx.rng.dx;
  const survey = `pulse-${new Date(dayStart).toISOString().slice(0, 7)}`;
  for (const team of ctx.org.teams)
    for (let k = 0; k < 3; k++) {
      const sentiment = rng.pick(['praise', 'friction'] as const);
      const entries = Object.entries(FEEDBACK[sentiment]);
      const [category, text] = rng.pick(entries);
      const at = dayStart + rng.int(0, 10 * 24 * 3600) * 1000;
      if (at < ctx.end)
        ctx.emit({
          kind: 'feedback',
          id: `fb-${survey}-${team.team}-${k}`,
          occurred_at: new Date(at),
          author: rng.pick(team.members),
          team: team.team,
          category,
          sentiment,
          text,
        });
    }
}
