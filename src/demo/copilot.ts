import { fnv1a } from '../domain/fnv1a.js';
import type { DemoContext } from './context.js';
import { isWeekday } from './context.js';
import type { DemoOrg } from './org.js';

const DAY = 86_400_000;
const EDITORS = [
  'vscode',
  'vscode',
  'vscode',
  'vscode',
  'vscode',
  'vscode',
  'jetbrains',
  'jetbrains',
  'jetbrains',
  'neovim',
];
const LANGUAGES = ['typescript', 'python', 'go'];

/**
 * GitHub Copilot's daily metrics as the Copilot collector writes them (src/collectors/copilot/),
 * for the organisation `demo` and each team. Every developer has a seat and a planted share of
 * them use it: all of those on weekdays, about a fifth on weekends. Seats equal developers, so
 * adoption over seats and over developers agree. Each user accepts exactly
 * `acceptanceRate` of the suggestions shown. Like src/demo/adoption.ts it draws from no random
 * stream (a stable hash of the login decides), so the other streams are what they were.
 */
export const COPILOT = { org: 'demo', share: 0.85, acceptanceRate: 0.3 } as const;
/** The collector stores no breakdown of fewer people (privacy.min_group_size's default): nor does the demo. */
const MIN_GROUP = 5;

/** The users: the first round(share × developers) by a stable hash of the login. */
export function copilotUsers(org: DemoOrg): string[] {
  const ranked = org.developers
    .map((d) => d.login)
    .sort((a, b) => fnv1a(`copilot:${a}`) - fnv1a(`copilot:${b}`) || a.localeCompare(b));
  return ranked.slice(0, Math.round(COPILOT.share * ranked.length));
}

interface Use {
  editor: string;
  language: string;
  suggestions: number;
}

export function copilotDay(ctx: DemoContext, dayStart: number, users: readonly string[]): void {
  const n = Math.floor(dayStart / DAY);
  const weekday = isWeekday(dayStart);
  const teamOf = new Map(ctx.org.developers.map((d) => [d.login, d.team]));
  const active = users.filter((u) => weekday || fnv1a(`copilot:${u}:${n}`) % 5 === 0);
  const occurred_at = new Date(dayStart);
  const emit = (name: string, type: 'gauge' | 'count', value: number, tags: Record<string, string>) =>
    ctx.emit({ kind: 'metric_point', name, occurred_at, type, value, tags: { org: COPILOT.org, ...tags } });
  const uses = new Map<string, Use>(
    active.map((u) => {
      const h = fnv1a(`copilot-use:${u}`);
      // Suggestions a multiple of ten, so the planted acceptance rate is exact in whole numbers.
      return [
        u,
        {
          editor: EDITORS[h % 10]!,
          language: LANGUAGES[(h >>> 4) % 3]!,
          suggestions: 10 * (2 + (fnv1a(`${u}:${n}`) % 5)),
        },
      ];
    }),
  );
  const scopes: [Record<string, string>, string[]][] = [
    [{}, active],
    ...ctx.org.teams.map((t): [Record<string, string>, string[]] => [
      { team: t.team },
      active.filter((u) => teamOf.get(u) === t.team),
    ]),
  ];
  for (const [scope, people] of scopes) {
    emit('copilot.active_users', 'gauge', people.length, scope);
    emit('copilot.engaged_users', 'gauge', people.length, scope);
    const f = { ...scope, feature: 'code_completions' };
    emit('copilot.engaged_users', 'gauge', people.length, f);
    const count = (pick: (u: Use) => boolean) => people.filter((p) => pick(uses.get(p)!)).length;
    for (const editor of new Set(EDITORS)) {
      const n = count((u) => u.editor === editor);
      if (n >= MIN_GROUP) emit('copilot.engaged_users', 'gauge', n, { ...f, editor });
    }
    for (const language of LANGUAGES) {
      const n = count((u) => u.language === language);
      if (n >= MIN_GROUP) emit('copilot.engaged_users', 'gauge', n, { ...f, language });
    }
    for (const editor of new Set(EDITORS))
      for (const language of LANGUAGES) {
        const mine = people
          .map((p) => uses.get(p)!)
          .filter((u) => u.editor === editor && u.language === language);
        if (mine.length < MIN_GROUP) continue;
        const shown = mine.reduce((s, u) => s + u.suggestions, 0);
        const accepted = Math.round(shown * COPILOT.acceptanceRate);
        const tags = { ...scope, editor, language };
        emit('copilot.engaged_users', 'gauge', mine.length, { ...f, editor, language });
        emit('copilot.suggestions', 'count', shown, tags);
        emit('copilot.acceptances', 'count', accepted, tags);
        emit('copilot.lines_suggested', 'count', shown * 2, tags);
        emit('copilot.lines_accepted', 'count', accepted * 2, tags);
      }
  }
  emit('copilot.seats', 'gauge', ctx.org.developers.length, {});
}
