/**
 * A pull request as the collector understands it, whichever API it came from (GraphQL for
 * collection, REST for the recorded fixtures and the per-PR baseline). map-prs.ts turns it
 * into records; the API adapters only rename fields.
 */
export interface Actor {
  login: string;
  /** GitHub says so (`__typename: Bot`, `type: Bot`); config and "[bot]" are checked later. */
  isBot: boolean;
}

export interface ReviewFacts {
  id: string;
  author: Actor | null;
  state: string;
  submittedAt: string | null;
  comments: number;
}

export interface MergeCommitFacts {
  sha: string;
  message: string;
  authoredAt: string;
  committedAt: string;
  authorName: string;
  authorEmail: string;
  /** A true merge (merge button), not a squash or rebase. */
  isMerge: boolean;
  additions: number;
  deletions: number;
  changedFiles: number;
}

export interface PrFacts {
  number: number;
  title: string;
  state: 'open' | 'closed' | 'merged';
  draft: boolean;
  author: Actor | null;
  createdAt: string;
  updatedAt: string | null;
  readyAt: string | null;
  mergedAt: string | null;
  closedAt: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  comments: number;
  labels: string[];
  baseBranch: string | null;
  headBranch: string | null;
  headSha: string | null;
  firstCommitAt: string | null;
  mergeSha: string | null;
  /** Present when the API returned it; squash and rebase merges have one parent. */
  mergeCommit: MergeCommitFacts | null;
  reviews: ReviewFacts[];
}
