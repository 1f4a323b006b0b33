import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { invalidArgument } from '../../errors/errors.js';
import { gitOutputOrNull } from './exec.js';

export interface GitRepo {
  /** Absolute path of the work tree (or of the git dir for a bare repository). */
  path: string;
  /** "owner/name", the key every record of this repository carries. */
  name: string;
  url: string | null;
  defaultBranch: string;
}

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

/** Resolves and checks `--repo`; a path that is missing or not a repository is the user's to fix. */
export async function openGitRepo(path: string, cwd: string, name?: string): Promise<GitRepo> {
  const abs = resolve(cwd, path);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw invalidArgument(`--repo ${abs} does not exist or is not a directory: pass the path of a git clone`);
  const gitDir = await gitOutputOrNull(abs, ['rev-parse', '--absolute-git-dir']);
  if (gitDir === null)
    throw invalidArgument(
      `--repo ${abs} is not a git repository: pass the path of a git clone (run "git clone <url>" first)`,
    );
  const top = (await gitOutputOrNull(abs, ['rev-parse', '--show-toplevel']))?.trim() || gitDir.trim();
  const url = (await gitOutputOrNull(abs, ['config', '--get', 'remote.origin.url']))?.trim() || null;
  const originHead = await gitOutputOrNull(abs, [
    'symbolic-ref',
    '--short',
    '-q',
    'refs/remotes/origin/HEAD',
  ]);
  const head = await gitOutputOrNull(abs, ['symbolic-ref', '--short', '-q', 'HEAD']);
  const defaultBranch = originHead?.trim().replace(/^origin\//, '') || head?.trim() || 'main';
  const local =
    basename(top)
      .replace(/\.git$/, '')
      .replace(/\s+/g, '-') || 'repo';
  return {
    path: top,
    name: name ?? (url ? nameFromRemote(url) : null) ?? `local/${local}`,
    url,
    defaultBranch,
  };
}
