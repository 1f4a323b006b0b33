/**
 * Rules that turn config into flags (bots, hotfixes). Pure functions shared by the enrichment
 * steps that apply them and by the tests that pin their behaviour.
 */

/** A login, name or email GitHub gives its apps: "name[bot]", "123+name[bot]@users.noreply.github.com". */
export function looksLikeBot(name: string, email = ''): boolean {
  const local = email.trim().toLowerCase().split('@')[0] ?? '';
  return name.trim().toLowerCase().endsWith('[bot]') || local.endsWith('[bot]');
}

/**
 * Bots: GitHub apps by their "[bot]" names; `bots.logins` lists others (matched against the
 * login or identity, the name and the email, ignoring case).
 */
export function botMatcher(botLogins: readonly string[]): (name: string, email: string) => boolean {
  const listed = new Set(botLogins.map((l) => l.trim().toLowerCase()));
  return (name, email) => {
    const n = name.trim().toLowerCase();
    const e = email.trim().toLowerCase();
    const local = e.split('@')[0] ?? '';
    return (
      looksLikeBot(name, email) ||
      listed.has(n) ||
      listed.has(e) ||
      (local !== '' && listed.has(local.replace(/^\d+\+/, '')))
    );
  };
}

/**
 * Compiles `git.hotfix_patterns` (case-insensitive). A change is a hotfix when any of its texts
 * matches: a commit's subject, the branch a merge brought in, its pull request's title or branch.
 */
export function hotfixMatcher(patterns: readonly string[]): (...texts: (string | null)[]) => boolean {
  const res = patterns.map((p) => new RegExp(p, 'i'));
  return (...texts) => res.some((re) => texts.some((t) => t !== null && re.test(t)));
}
