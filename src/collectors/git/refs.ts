import { gitLineChunks, gitOutput, gitOutputOrNull } from './exec.js';

export interface RefTip {
  /** Full ref name (refs/heads/main, refs/tags/v1) or HEAD. */
  ref: string;
  /** The commit the ref points at (annotated tags peeled). */
  sha: string;
  /** For tags: the tagger date (annotated) or the commit date (lightweight), epoch ms. */
  createdAt: number | null;
}

const FORMAT =
  '%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(creatordate:unix)';

/**
 * Every ref under refs/ plus HEAD: the same starting points as `git log --all`. Refs that do
 * not lead to a commit (a tag of a tree or blob) are skipped, as `--all` skips them.
 */
export async function listTips(repoPath: string): Promise<RefTip[]> {
  const out = await gitOutput(repoPath, ['for-each-ref', `--format=${FORMAT}`]);
  const tips: RefTip[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [ref, type, sha, peeledType, peeledSha, created] = line.split('\0');
    const commit = type === 'commit' ? sha : peeledType === 'commit' ? peeledSha : null;
    if (!ref || !commit) continue;
    const secs = Number(created);
    tips.push({ ref, sha: commit, createdAt: created && Number.isFinite(secs) ? secs * 1000 : null });
  }
  const head = (await gitOutputOrNull(repoPath, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']))?.trim();
  if (head) tips.push({ ref: 'HEAD', sha: head, createdAt: null });
  return tips;
}

/**
 * The subset of `shas` that still name commits. An old tip can vanish (a force-pushed branch
 * deleted and garbage-collected) and `git log ^<missing>` fails even with --ignore-missing.
 */
export async function existingCommits(repoPath: string, shas: readonly string[]): Promise<string[]> {
  if (!shas.length) return [];
  const found: string[] = [];
  for await (const lines of gitLineChunks(repoPath, ['cat-file', '--batch-check'], shas.join('\n') + '\n'))
    for (const line of lines) {
      const [sha, type] = line.split(' ');
      if (sha && type === 'commit') found.push(sha);
    }
  return found;
}
