import { pick, type Attributes } from './values.js';

/**
 * Where a span or point says which repository, team and key (branch) it belongs to. Span
 * attributes are looked up before resource attributes, plain names before OpenTelemetry's VCS
 * semantic conventions. docs/otlp.md lists them.
 */
export const REPO_KEYS = ['repo', 'vcs.repository.name'] as const;
export const TEAM_KEYS = ['team', 'pitwall.team'] as const;
export const KEY_KEYS = ['key', 'branch', 'vcs.ref.head.name', 'vcs.ref.head'] as const;

/** "owner/name" when the attributes say it (a full URL, an owner and a name, or a slashed name). */
export function fullRepo(maps: readonly Attributes[]): string | null {
  const url = pick(maps, ['vcs.repository.url.full']);
  if (url) {
    const path = url
      .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+\//i, '')
      .replace(/^[^@]+@[^:]+:/, '') // git@host:owner/name.git
      .replace(/\.git$/, '')
      .replace(/\/+$/, '');
    const parts = path.split('/').filter(Boolean);
    if (parts.length >= 2) return `${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
  }
  const name = pick(maps, REPO_KEYS);
  if (name && /^[^\s/]+\/[^\s/]+$/.test(name)) return name;
  const owner = pick(maps, ['vcs.owner.name', 'vcs.repository.owner']);
  if (name && owner && !/[\s/]/.test(name) && !/[\s/]/.test(owner)) return `${owner}/${name}`;
  return null;
}

/** The repository as a span keeps it: "owner/name" when known, else the plain name given. */
export function repoOf(maps: readonly Attributes[]): string | null {
  return fullRepo(maps) ?? pick(maps, REPO_KEYS);
}
