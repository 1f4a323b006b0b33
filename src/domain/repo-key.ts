/**
 * The "owner/name" key a repository's records carry, the same whoever derives it (the git
 * collector, the coverage collector, the shell agent), so a developer's commands join the
 * repository's commits and CI.
 */

/**
 * owner/name from a remote URL: https://host/owner/name(.git), ssh://git@host/owner/name,
 * git@host:owner/name. Nested groups (GitLab) keep their last two segments. Local-path
 * remotes name nothing, so they return null.
 */
export function nameFromRemote(url: string): string | null {
  const u = url.trim();
  let path: string | null = null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.+)$/i.exec(u);
  const scp = /^(?:[^@/\s]+@)?[^:/\s]+:(?!\/)(.+)$/.exec(u);
  if (withScheme && !u.startsWith('file:')) path = withScheme[1]!;
  else if (scp) path = scp[1]!;
  if (!path) return null;
  const parts = path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2) return null;
  return `${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
}

/** The key of a repository at `root` (its work tree's folder) with origin `url`, if any. */
export function repoKey(url: string | null, root: string): string {
  const folder =
    (root.split('/').filter(Boolean).pop() ?? '').replace(/\.git$/, '').replace(/\s+/g, '-') || 'repo';
  return (url ? nameFromRemote(url) : null) ?? `local/${folder}`;
}
