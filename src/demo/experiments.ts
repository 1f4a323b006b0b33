import { hashShare } from '../report/experiments/cohort.js';
import type { DemoContext } from './context.js';
import { DAY, type DemoOptions } from './options.js';

const TTFR = 'github.prs.time_to_first_review_hours';

/**
 * The demo's planted experiments. The AI review bot reviews the PRs of a 30% cohort of people
 * (by the experiment's hash) from halfway through the window: their first review comes after
 * `factor` × the wait it would have had (−30%). Its null twin has the same shape (a 30% hash
 * cohort, the same metric and hypothesis) over an earlier stretch, and nothing changes for anyone.
 */
export const PLANTED = {
  effect: {
    id: 'exp-ai-review-bot',
    name: 'AI-powered PR review bot',
    hypothesis: 'AI-assisted code review will reduce time to first review by 30%',
    metrics: [TTFR, 'github.prs.cycle_time_hours'],
    share: 0.3,
    startFraction: 0.5,
    endFraction: null,
    factor: 0.7,
    expectedPercent: -30,
  },
  null: {
    id: 'exp-review-reminder',
    name: 'Review reminder in chat',
    hypothesis: 'A chat reminder for waiting PRs will reduce time to first review by 30%',
    metrics: [TTFR],
    share: 0.3,
    startFraction: 0.1,
    endFraction: 0.45,
    factor: 1,
    expectedPercent: -30,
  },
} as const;

export interface PlantedExperiment {
  id: string;
  metric: string;
  share: number;
  startedAt: string;
  endedAt: string | null;
  /** The planted change of the metric in the treatment arm, % (0: the null twin). */
  effectPercent: number;
}

const at = (o: DemoOptions, fraction: number) =>
  o.end.getTime() - o.days * DAY + Math.floor(o.days * fraction) * DAY + 9 * 3_600_000;

/** The truth the analysis must recover (DemoTruth.experiments). */
export function plantedExperiments(o: DemoOptions): { effect: PlantedExperiment; null: PlantedExperiment } {
  const one = (p: (typeof PLANTED)['effect' | 'null']): PlantedExperiment => ({
    id: p.id,
    metric: TTFR,
    share: p.share,
    startedAt: new Date(at(o, p.startFraction)).toISOString(),
    endedAt: p.endFraction === null ? null : new Date(at(o, p.endFraction)).toISOString(),
    effectPercent: Math.round((p.factor - 1) * 100),
  });
  return { effect: one(PLANTED.effect), null: one(PLANTED.null) };
}

/**
 * The factor on a PR's wait for its first review: the bot's cohort, once the bot is on, waits
 * `factor` × as long. Draws nothing, so every other stream of the demo stays as it was.
 */
export function reviewWaitFactor(ctx: DemoContext, author: string, readyAt: number): number {
  const p = PLANTED.effect;
  if (readyAt < at(ctx.o, p.startFraction)) return 1;
  return hashShare(p.id, author) < p.share ? p.factor : 1;
}

/** The two experiments, recorded as an experiment would be created (pitwall experiment create). */
export function experimentRecords(ctx: DemoContext): void {
  for (const p of [PLANTED.effect, PLANTED.null]) {
    const ended = p.endFraction === null ? null : at(ctx.o, p.endFraction);
    ctx.emit({
      kind: 'experiment',
      id: p.id,
      name: p.name,
      hypothesis: p.hypothesis,
      metric: p.metrics[0],
      started_at: new Date(at(ctx.o, p.startFraction)),
      ended_at: ended === null ? null : new Date(ended),
      cohort: `${p.share * 100}% of people`,
      status: ended === null ? 'running' : 'stopped',
      participants: ctx.org.developers.length,
      cohort_spec: { type: 'share', share: p.share },
      control_spec: { type: 'rest' },
      metrics: [...p.metrics],
      alpha: null,
      expected_effect: { [TTFR]: p.expectedPercent },
      notes:
        p.factor === 1
          ? 'Null twin of the review bot: the same shape, nothing changes.'
          : 'The bot comments within minutes; a human review still counts as the first review.',
    });
  }
}
