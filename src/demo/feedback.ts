import type { DemoContext } from './context.js';
import { DAY, type DemoOptions } from './options.js';
import type { DemoOrg } from './org.js';
import { buildOrg } from './org.js';
import { Rng } from './random.js';

type Sentiment = 'praise' | 'friction' | 'idea' | 'other';

/**
 * The planted themes: the share of developers whose feedback or survey comments mention each
 * (ids and patterns: the starter themes of the `feedback:` config section). Each phrase
 * matches its own theme's patterns and no other's (a test holds them to that). Shares give
 * 18, 12, 8, 6, 3 and 0 of the default 50 developers: access-issues sits below
 * privacy.min_group_size (withheld), too-many-tools and helpful-tools are never mentioned.
 */
export const PLANTED_THEMES: Record<
  string,
  { share: number; category: string; sentiment: Sentiment; phrases: string[] }
> = {
  'ci-slow': {
    share: 0.36,
    category: 'ci',
    sentiment: 'friction',
    phrases: [
      'Jenkins is so slow today',
      'CI builds are slow again',
      'Slow build on every push',
      'Our pipeline is painfully slow',
    ],
  },
  'flaky-tests': {
    share: 0.24,
    category: 'tests',
    sentiment: 'friction',
    phrases: [
      'Flaky e2e tests block merges',
      'Flakiness in the integration suite',
      'Another flaky test failed my PR',
    ],
  },
  'docs-unclear': {
    share: 0.16,
    category: 'docs',
    sentiment: 'friction',
    phrases: [
      'Onboarding docs are out of date',
      'The runbook docs are unclear',
      'Docs for the release tool are missing',
    ],
  },
  'environments-slow': {
    share: 0.12,
    category: 'environments',
    sentiment: 'friction',
    phrases: [
      'Test environments take too long',
      'Waiting on a test environment again',
      'Preview environments are slow to come up',
    ],
  },
  'access-issues': {
    share: 0.06,
    category: 'access',
    sentiment: 'friction',
    phrases: ['Access requests take days', 'Waiting for repository permissions'],
  },
  'too-many-tools': { share: 0, category: 'tooling', sentiment: 'friction', phrases: [] },
  'fast-deploys': {
    share: 0.3,
    category: 'deployments',
    sentiment: 'praise',
    phrases: ['Deploys are fast now', 'Deployments are quick and painless', 'Love how fast deployment is'],
  },
  'quick-reviews': {
    share: 0.2,
    category: 'review',
    sentiment: 'praise',
    phrases: ['Reviews come back quickly', 'Code reviews are fast', 'Quick reviews from my team'],
  },
  'good-docs': {
    share: 0.1,
    category: 'docs',
    sentiment: 'praise',
    phrases: [
      'Great docs for the new SDK',
      'The documentation is really helpful',
      'Good docs on the platform portal',
    ],
  },
  'helpful-tools': { share: 0, category: 'tooling', sentiment: 'praise', phrases: [] },
};

/** Feedback that mentions no theme: it is counted as feedback (and friction) but drives nothing. */
const NOISE: { category: string; sentiment: Sentiment; text: string }[] = [
  { category: 'other', sentiment: 'idea', text: 'Would like a dark mode in the portal' },
  { category: 'other', sentiment: 'other', text: 'Thanks for the new on-call rota' },
  { category: 'other', sentiment: 'idea', text: 'Can we get more meeting-free days?' },
  { category: 'other', sentiment: 'friction', text: 'The VPN drops every afternoon' },
];

export interface PlannedItem {
  at: number;
  /** null: anonymous feedback. */
  author: string | null;
  team: string | null;
  /** A survey comment (survey_responses.comment) instead of a feedback entry. */
  comment: boolean;
  theme: string | null;
  category: string;
  sentiment: Sentiment;
  text: string;
}

export interface FeedbackTruth {
  /** Distinct developers whose feedback or comments mention each theme (0: never mentioned). */
  themePeople: Record<string, number>;
  /** Anonymous feedback entries mentioning each theme. */
  themeAnonymous: Record<string, number>;
  /** Friction feedback entries per category over the whole window (survey comments are not feedback). */
  frictionByCategory: Record<string, number>;
  /** Items planted: feedback entries and survey comments. */
  feedbackEntries: number;
  surveyComments: number;
}

const surveyOf = (at: number) => `pulse-${new Date(at).toISOString().slice(0, 7)}`;

/**
 * Every planted item, from the options alone (its own random stream: the rest of the demo draws
 * the same whatever this plants). Each theme's developers are a random sample of its share;
 * each mentions it one to three times, in feedback or in a survey comment (one comment per
 * developer per monthly survey), at a random time of the window.
 */
export function planFeedback(o: DemoOptions, org: DemoOrg = buildOrg(o)): PlannedItem[] {
  const rng = new Rng(o.seed).fork('feedback');
  const start = o.end.getTime() - o.days * DAY;
  const when = () => start + rng.int(0, o.days * 24 * 3600 - 1) * 1000;
  const items: PlannedItem[] = [];
  const commented = new Set<string>();
  for (const [theme, p] of Object.entries(PLANTED_THEMES)) {
    const n = Math.round(p.share * org.developers.length);
    const pool = [...org.developers];
    for (let i = 0; i < n; i++) {
      const dev = pool.splice(rng.int(0, pool.length - 1), 1)[0]!;
      const mentions = rng.int(1, 3);
      for (let m = 0; m < mentions; m++) {
        const at = when();
        const key = `${dev.login} ${surveyOf(at)}`;
        const comment = rng.chance(0.4) && !commented.has(key);
        if (comment) commented.add(key);
        items.push({
          at,
          author: dev.login,
          team: dev.team,
          comment,
          theme,
          category: p.category,
          sentiment: p.sentiment,
          text: rng.pick(p.phrases),
        });
      }
    }
    // Anonymous reports (the public form): about a third as many as the named developers.
    for (let i = 0; i < Math.round(n / 3); i++)
      items.push({
        at: when(),
        author: null,
        team: rng.chance(0.5) ? rng.pick(org.teams).team : null,
        comment: false,
        theme,
        category: p.category,
        sentiment: p.sentiment,
        text: rng.pick(p.phrases),
      });
  }
  for (const dev of org.developers)
    if (rng.chance(0.3)) {
      const noise = rng.pick(NOISE);
      items.push({ at: when(), author: dev.login, team: dev.team, comment: false, theme: null, ...noise });
    }
  return items.sort((a, b) => a.at - b.at);
}

/** What the planted feedback is, for DemoTruth. */
export function feedbackTruth(o: DemoOptions, org: DemoOrg = buildOrg(o)): FeedbackTruth {
  const items = planFeedback(o, org);
  const themePeople: Record<string, number> = {};
  const themeAnonymous: Record<string, number> = {};
  const frictionByCategory: Record<string, number> = {};
  for (const theme of Object.keys(PLANTED_THEMES)) {
    const mine = items.filter((i) => i.theme === theme);
    themePeople[theme] = new Set(mine.flatMap((i) => (i.author ? [i.author] : []))).size;
    themeAnonymous[theme] = mine.filter((i) => i.author === null).length;
  }
  for (const i of items)
    if (!i.comment && i.sentiment === 'friction')
      frictionByCategory[i.category] = (frictionByCategory[i.category] ?? 0) + 1;
  return {
    themePeople,
    themeAnonymous,
    frictionByCategory,
    feedbackEntries: items.filter((i) => !i.comment).length,
    surveyComments: items.filter((i) => i.comment).length,
  };
}

const plans = new WeakMap<DemoContext, { items: PlannedItem[]; next: number }>();

/** The planted items of one day (days come in order): feedback entries, and survey comments as a free-text answer. */
export function feedbackDay(ctx: DemoContext, dayStart: number): void {
  let plan = plans.get(ctx);
  if (!plan) plans.set(ctx, (plan = { items: planFeedback(ctx.o, ctx.org), next: 0 }));
  const dayEnd = Math.min(dayStart + DAY, ctx.end);
  for (; plan.next < plan.items.length && plan.items[plan.next]!.at < dayEnd; plan.next++) {
    const item = plan.items[plan.next]!;
    if (item.comment)
      ctx.emit({
        kind: 'survey_response',
        survey: surveyOf(item.at),
        respondent: item.author!,
        question: 'comment',
        team: item.team,
        answered_at: new Date(item.at),
        score: null,
        comment: item.text,
      });
    else
      ctx.emit({
        kind: 'feedback',
        id: `fb-demo-${plan.next}`,
        occurred_at: new Date(item.at),
        author: item.author,
        team: item.team,
        category: item.category,
        sentiment: item.sentiment,
        text: item.text,
      });
  }
}
