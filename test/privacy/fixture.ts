import type { Config } from '../../src/config/schema.js';
import { testConfig } from '../helpers/collect-git.js';

/**
 * The privacy fixture: two teams, `four` (4 people) and `five` (5 people), each person running
 * 6 local commands and answering one pulse-survey item in the week [FROM, TO). Every surface
 * test asks the same question of it: a value over the 4 is withheld with the reason, a value
 * over the 5 is shown, and the whole organisation (9 people) is shown.
 */
export const FROM = new Date('2026-03-02T00:00:00Z');
export const TO = new Date('2026-03-09T00:00:00Z');
export const WINDOW = { from: FROM.toISOString(), to: TO.toISOString() };
export const TEAMS = { four: 4, five: 5 } as const;
/** Survey scores planted per team: person p answers SCORES[team][p]. */
export const SCORES = { four: [1, 2, 2, 5], five: [3, 4, 4, 5, 4] } as const;
export const RUNS_PER_PERSON = 6;

export function privacyRecords(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [team, n] of Object.entries(TEAMS)) {
    out.push({ kind: 'team', team });
    for (let p = 0; p < n; p++) {
      const login = `${team}-${p}`;
      out.push({ kind: 'person', login, team, is_bot: false });
      for (let k = 0; k < RUNS_PER_PERSON; k++)
        out.push({
          kind: 'command',
          id: `${login}-${k}`,
          user_name: login,
          host: `${login}-laptop`,
          command: k % 2 ? 'npm test' : 'npm run build',
          category: k % 2 ? 'test' : 'build',
          repo: `acme/${team}`,
          exit_code: k === 5 ? 1 : 0,
          started_at: new Date(FROM.getTime() + (k * 24 + 9) * 3_600_000).toISOString(),
          duration_ms: 60_000 + p * 1000 + k,
        });
      out.push({
        kind: 'survey_response',
        survey: 'pulse-2026-03',
        respondent: `r-${login}`,
        question: 'privacy_probe',
        team,
        answered_at: new Date(FROM.getTime() + 36 * 3_600_000 + p * 60_000).toISOString(),
        score: SCORES[team as keyof typeof SCORES][p],
      });
    }
  }
  return out;
}

/** The test config with `privacy.min_group_size` = k (left at its default when undefined). */
export const configWithK = (k?: number): Config =>
  k === undefined ? testConfig() : testConfig({ privacy: { min_group_size: k } });

export const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
