/**
 * What a commit message says about how the change landed. Pure functions: the collector
 * maps their answers onto commit columns.
 */

export interface MessageFacts {
  /** The pull/merge request this commit merged or squashed, if the message names one. */
  prNumber: number | null;
  /** The branch a merge commit brought in, when the subject names it. */
  mergedBranch: string | null;
  /** The commit a `git revert` undid. */
  revertsSha: string | null;
}

// GitHub merge button: "Merge pull request #123 from owner/branch".
const GITHUB_MERGE = /^Merge pull request #(\d+) from (?:[^/\s]+\/)?(\S+)/;
// Bitbucket: "Merged in branch (pull request #12)".
const BITBUCKET_MERGE = /^Merged in (\S+) \(pull request #(\d+)\)/;
// git's own: "Merge branch 'x' into main", "Merge remote-tracking branch 'origin/x'".
const GIT_MERGE = /^Merge (?:remote-tracking )?branch '([^']+)'/;
// GitHub squash and rebase merges append the PR number to the subject: "Fix login (#123)".
const SQUASH = /\(#(\d+)\)\s*$/;
// GitLab puts the merge request in the body of its merge commit.
const GITLAB_MR = /^See merge request [^\s!]+!(\d+)\s*$/m;
const REVERT = /This reverts commit ([0-9a-f]{7,64})/i;

const toPr = (s: string | undefined): number | null => {
  const n = s === undefined ? NaN : Number(s);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

export function readMessage(subject: string, body: string, isMerge: boolean): MessageFacts {
  let prNumber: number | null;
  let mergedBranch: string | null = null;
  let m: RegExpExecArray | null;
  if ((m = GITHUB_MERGE.exec(subject))) {
    prNumber = toPr(m[1]);
    mergedBranch = m[2] ?? null;
  } else if ((m = BITBUCKET_MERGE.exec(subject))) {
    mergedBranch = m[1] ?? null;
    prNumber = toPr(m[2]);
  } else {
    if (isMerge && (m = GIT_MERGE.exec(subject))) mergedBranch = m[1] ?? null;
    prNumber = toPr(SQUASH.exec(subject)?.[1]) ?? (isMerge ? toPr(GITLAB_MR.exec(body)?.[1]) : null);
  }
  const revertsSha = REVERT.exec(body)?.[1]?.toLowerCase() ?? null;
  return { prNumber, mergedBranch, revertsSha };
}
