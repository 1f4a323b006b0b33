/**
 * Who wrote a commit. Git has no logins, so the identity is the author email (lowercased),
 * or the name when a commit has no email; `people.login` uses the same identity so metrics
 * can join commits to people (team, bots).
 */
export function identityOf(name: string, email: string): string {
  return email.trim().toLowerCase() || name.trim() || 'unknown';
}
