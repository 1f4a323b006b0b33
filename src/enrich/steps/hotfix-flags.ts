import { hotfixMatcher } from '../../domain/rules.js';
import type { EnrichStep } from '../step.js';

interface CommitTexts {
  repo: string;
  sha: string;
  subject: string;
  merged_branch: string | null;
  title: string | null;
  head_branch: string | null;
  is_hotfix: boolean;
}

/**
 * `commits.is_hotfix` from `git.hotfix_patterns`, matched against the commit's subject, the
 * branch a merge brought in, and its pull request's title and head branch (a squash subject
 * loses the branch name). JS regular expressions, as configured, on both engines; only the
 * commits whose flag changes are written.
 */
export const hotfixFlags = {
  id: 'hotfix-flags',
  description:
    'which commits are hotfixes (git.hotfix_patterns on subjects, merged branches, PR titles and branches)',
  reads: ['commits', 'pull_requests'],
  writes: ['commits.is_hotfix'],
  config: (c) => c.git.hotfix_patterns,
  async run({ store, config }) {
    const isHotfix = hotfixMatcher(config.git.hotfix_patterns);
    const rows = await store.query<CommitTexts>(
      `select c.repo, c.sha, c.subject, c.merged_branch, pr.title, pr.head_branch, c.is_hotfix
       from commits c left join pull_requests pr on pr.repo = c.repo and pr.number = c.pr_number`,
    );
    const flags = rows.map((r) => isHotfix(r.subject, r.merged_branch, r.title, r.head_branch));
    const flips = rows.filter((r, i) => flags[i] !== r.is_hotfix);
    if (flips.length)
      await store.transaction(async (tx) => {
        await tx.query(
          'create temp table if not exists hotfix_flips (repo text, sha text, flag boolean, primary key (repo, sha))',
        );
        await tx.query('delete from hotfix_flips');
        await tx.upsert([
          {
            table: 'hotfix_flips',
            columns: ['repo', 'sha', 'flag'],
            key: ['repo', 'sha'],
            rows: flips.map((r) => [r.repo, r.sha, !r.is_hotfix]),
          },
        ]);
        await tx.query(`update commits set is_hotfix = f.flag from hotfix_flips f
          where f.repo = commits.repo and f.sha = commits.sha`);
      });
    return flags.filter(Boolean).length;
  },
} satisfies EnrichStep;
