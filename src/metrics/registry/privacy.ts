/**
 * k-anonymity for aggregates about people: a value over fewer than k distinct people is
 * withheld everywhere it would be shown, with this reason in its place. The registry applies it
 * to every metric declared `personal`; reports that aggregate people outside the registry
 * (feedback themes, experiment cohorts, correlations) call it too, so the rule has one wording.
 */
export const DEFAULT_MIN_GROUP_SIZE = 5;

export function withheldReason(people: number, minGroupSize: number): string | null {
  return people < minGroupSize
    ? `withheld: fewer than ${minGroupSize} people (privacy.min_group_size), so no one's answers can be inferred`
    : null;
}

/**
 * Explain never lists the rows of a personal metric: each row is one person's answer or one
 * command they ran, which is exactly what k-anonymity protects. Counts are shown at k or more.
 */
export const PERSONAL_ROWS_REASON =
  "rows not listed: each is one person's answer or behaviour (personal metric); only aggregates over enough people are shown";
