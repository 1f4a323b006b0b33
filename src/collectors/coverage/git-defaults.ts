import { gitOutputOrNull } from '../git/exec.js';
import { repoKey } from '../../domain/repo-key.js';

export interface GitDefaults {
  /** The work tree's top folder: what report paths are made relative to. */
  root: string | null;
  repo: string | null;
  sha: string | null;
  branch: string | null;
}

/**
 * What `--repo`, `--sha` and `--branch` default to: the git repository around `cwd` (its
 * origin's owner/name, else local/<folder> as the git collector names it), its HEAD commit and
 * the branch checked out (none when detached, as in most CI checkouts: pass --branch there).
 */
export async function gitDefaults(cwd: string): Promise<GitDefaults> {
  const root = (await gitOutputOrNull(cwd, ['rev-parse', '--show-toplevel']))?.trim() || null;
  if (!root) return { root: null, repo: null, sha: null, branch: null };
  const url = (await gitOutputOrNull(root, ['config', '--get', 'remote.origin.url']))?.trim() || null;
  const sha = (await gitOutputOrNull(root, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']))?.trim() || null;
  const branch = (await gitOutputOrNull(root, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim() || null;
  return { root, repo: repoKey(url, root), sha, branch };
}
