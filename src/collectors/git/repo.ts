import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalidArgument } from '../../errors/errors.js';
import { repoKey } from '../../domain/repo-key.js';
import { gitOutputOrNull } from './exec.js';

export interface GitRepo {
  /** Absolute path of the work tree (or of the git dir for a bare repository). */
  path: string;
  /** "owner/name", the key every record of this repository carries. */
  name: string;
  url: string | null;
  defaultBranch: string;
}

export { nameFromRemote } from '../../domain/repo-key.js';

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
  return {
    path: top,
    name: name ?? repoKey(url, top),
    url,
    defaultBranch,
  };
}
