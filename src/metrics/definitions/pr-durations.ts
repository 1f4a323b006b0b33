import { countedDuration, negativeDuration, RULES } from './left-out.js';
import { hoursBetween, humanPrs, prFacts } from './sql.js';

/**
 * A pull-request duration from `start` to `end` (dated by `end`), with what it leaves out: the
 * PRs where `end` comes first (see left-out.ts), listed by number.
 */
export function prDuration(start: string, end: string, what: string) {
  const v = hoursBetween(start, end);
  return {
    facts: prFacts(end, v, `${end} is not null and ${countedDuration(v)}`),
    leftOut: {
      rows: humanPrs(
        `${end} as ts, 'negative' as reason, ${v} as v, pr.number`,
        `${end} is not null and ${negativeDuration(v)}`,
      ),
      reasons: { negative: RULES.negative(what) },
    },
  };
}
