import { z } from 'zod';
import {
  count,
  flag,
  instant,
  jsonList,
  objectInOrder,
  optCount,
  optInstant,
  optSha,
  optText,
  repoName,
  sha,
  text,
} from './common.js';

export const repo = z.object({
  repo: repoName,
  team: optText,
  default_branch: z.string().trim().min(1).default('main'),
  url: optText,
});

export const team = z.object({ team: text, name: optText, parent: optText });

/** `is_bot`: what the source says (GitHub's Bot type, a "[bot]" name); `bots.logins` is applied in enrichment. */
export const person = z.object({
  login: text,
  name: optText,
  email: z
    .string()
    .trim()
    .toLowerCase()
    .nullish()
    .transform((v) => v || null),
  team: optText,
  is_bot: flag,
});

/** `is_hotfix` is derived by enrichment from `git.hotfix_patterns`, never sent. */
export const commit = z.object({
  repo: repoName,
  sha,
  author: text,
  author_email: z
    .string()
    .trim()
    .toLowerCase()
    .nullish()
    .transform((v) => v || null),
  authored_at: instant,
  committed_at: instant,
  additions: count.default(0),
  deletions: count.default(0),
  files: count.default(0),
  parents: z
    .array(sha)
    .default([])
    .transform((a) => a.join(' ')),
  is_merge: flag,
  /** The branch a merge commit brought in, when its subject names it. */
  merged_branch: optText,
  reverts_sha: optSha,
  pr_number: optCount,
  subject: z.string().default(''),
  /** Paths the commit changed (the new path of a rename); empty when the source does not say. */
  paths: jsonList,
});

export const tag = z.object({ repo: repoName, name: text, sha, tagged_at: optInstant });

/**
 * First review, first approval, review comments and the bot flag are derived from reviews and
 * config by enrichment (never sent), so a PR event without its reviews cannot clear them.
 */
const pullRequestFields = {
  repo: repoName,
  number: count,
  author: text,
  title: z.string().default(''),
  state: z.enum(['open', 'closed', 'merged']),
  created_at: instant,
  ready_at: optInstant,
  first_commit_at: optInstant,
  merged_at: optInstant,
  closed_at: optInstant,
  additions: count.default(0),
  deletions: count.default(0),
  changed_files: count.default(0),
  comments: count.default(0),
  labels: jsonList,
  draft: flag,
  base_branch: optText,
  head_branch: optText,
  head_sha: optSha,
  merge_sha: optSha,
  updated_at: optInstant,
};

/** Merged or closed before it was opened: no meaning, and a negative lead time. */
export const pullRequest = objectInOrder(
  [
    ['created_at', 'merged_at'],
    ['created_at', 'closed_at'],
  ],
  pullRequestFields,
);

export const review = z.object({
  repo: repoName,
  pr_number: count,
  review_id: text,
  reviewer: text,
  state: z.enum(['approved', 'changes_requested', 'commented', 'dismissed', 'pending']),
  submitted_at: instant,
  comments: count.default(0),
});
