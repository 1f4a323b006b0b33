/**
 * Choice text -> score for the Likert sets survey tools offer by default, so an export with
 * choice text ("Very satisfied") needs no mapping for them. `surveys.labels` adds to these and
 * an item's own `labels` win over both.
 */
const BUILT_IN: Record<string, number> = {
  // Satisfaction (5 points)
  'very dissatisfied': 1,
  'extremely dissatisfied': 1,
  dissatisfied: 2,
  'somewhat dissatisfied': 2,
  'neither satisfied nor dissatisfied': 3,
  satisfied: 4,
  'somewhat satisfied': 4,
  'very satisfied': 5,
  'extremely satisfied': 5,
  // Agreement (5 points)
  'strongly disagree': 1,
  disagree: 2,
  'somewhat disagree': 2,
  'neither agree nor disagree': 3,
  neutral: 3,
  'somewhat agree': 4,
  agree: 4,
  'strongly agree': 5,
  // Frequency (5 points)
  never: 1,
  rarely: 2,
  sometimes: 3,
  often: 4,
  'most of the time': 4,
  always: 5,
};

export const labelKey = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export function labelMap(...sets: Record<string, number>[]): Map<string, number> {
  const out = new Map<string, number>(Object.entries(BUILT_IN));
  for (const set of sets) for (const [k, v] of Object.entries(set)) out.set(labelKey(k), v);
  return out;
}

/**
 * A number at the start of a choice ("0 - Not at all likely", "3 days", "40%"), as Qualtrics
 * writes NPS and slider choices in choice-text exports.
 */
const LEADING_NUMBER = /^(-?\d+(?:\.\d+)?)\s*(?:%|[-–(]|days?\b|$)/i;

export type Interpreted =
  { kind: 'score'; score: number; choice: string | null } | { kind: 'choice'; choice: string };

/** A cell as a score (a number, a known label) or, failing both, as choice text. */
export function interpret(raw: string, labels: Map<string, number>): Interpreted {
  const v = raw.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(v)) return { kind: 'score', score: Number(v), choice: null };
  const known = labels.get(labelKey(v));
  if (known !== undefined) return { kind: 'score', score: known, choice: v };
  const lead = LEADING_NUMBER.exec(v);
  if (lead) return { kind: 'score', score: Number(lead[1]), choice: v };
  return { kind: 'choice', choice: v };
}
