import type { Rule } from './rules.js';

/** Kept text, then the replacement, for one match; null keeps the match as it is. */
export type Decide = (rule: Rule, secret: string, pre: string, before: string) => string | null;

/**
 * One expression for a list of rules: `(pre0)(secret0)|(pre1)(secret1)|...`, so a line is
 * scanned once per list however many rules it has. The match callback finds the rule by which
 * pair of groups took part.
 */
export function combine(rules: readonly Rule[], flags: string): (line: string, decide: Decide) => string {
  const source = rules.map((r) => `(${r.pre})(${r.secret})`).join('|');
  const re = new RegExp(source, flags.includes('g') ? flags : `${flags}g`);
  // A rule with a capturing group of its own would shift every rule after it.
  const groups = new RegExp(`${source}|`).exec('')!.length - 1;
  if (groups !== rules.length * 2)
    throw new Error(`a redaction rule has a capturing group (${groups} groups for ${rules.length} rules)`);
  let depth = 0;
  const pass = (line: string, decide: Decide): string =>
    line.replace(re, (match: string, ...args: unknown[]) => {
      for (let i = 0; i < rules.length; i++) {
        const secret = args[2 * i + 1];
        if (secret === undefined) continue;
        const pre = args[2 * i] as string;
        const offset = args[2 * rules.length] as number;
        const input = args[2 * rules.length + 1] as string;
        const out = decide(rules[i]!, secret as string, pre, input.slice(0, offset));
        if (out !== null) return out;
        // Refused (`-H` is no secret flag): what it took may still hold one
        // (`-H "Authorization: Bearer x"`, `--from-literal=password=x`), so that part is
        // scanned again, a few levels deep at most (a quoted wall of text would nest without end).
        if (!pre || depth >= 4) return match;
        depth++;
        try {
          return pre + pass(secret as string, decide);
        } finally {
          depth--;
        }
      }
      return match;
    });
  return pass;
}
