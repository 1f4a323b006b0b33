/**
 * Who wrote a commit. Git has no logins, so the identity is the author email (lowercased),
 * or the name when a commit has no email; `people.login` uses the same identity so metrics
 * can join commits to people (team, is_bot).
 */
export function identityOf(name: string, email: string): string {
  return email.trim().toLowerCase() || name.trim() || 'unknown';
}

/**
 * Bots: GitHub apps sign as "name[bot]" with "123+name[bot]@users.noreply.github.com";
 * `bots.logins` lists others (matched against the identity, name and email, ignoring case).
 */
export function botMatcher(botLogins: readonly string[]): (name: string, email: string) => boolean {
  const listed = new Set(botLogins.map((l) => l.trim().toLowerCase()));
  return (name, email) => {
    const n = name.trim().toLowerCase();
    const e = email.trim().toLowerCase();
    const local = e.split('@')[0] ?? '';
    return (
      n.endsWith('[bot]') ||
      local.endsWith('[bot]') ||
      listed.has(n) ||
      listed.has(e) ||
      (local !== '' && listed.has(local.replace(/^\d+\+/, '')))
    );
  };
}
