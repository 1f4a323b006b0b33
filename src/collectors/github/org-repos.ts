import { z } from 'zod';
import type { GitHubClient } from './client.js';
import { conditionalGet } from './conditional.js';

export interface OrgRepo {
  repo: string;
  default_branch: string | null;
}

const orgRepo = z.object({
  full_name: z.string(),
  archived: z.boolean().default(false),
  default_branch: z.string().nullish(),
});
const orgListing = z.object({
  etags: z.record(z.string(), z.string()),
  repos: z.array(z.object({ repo: z.string(), default_branch: z.string().nullable() })),
});

/**
 * The organisation's repositories, archived ones left out. The listing and its ETag are the
 * cursor of the run's own `sources` row (`github-org:<org>`, kept by the runner): an unchanged
 * org costs one free 304.
 */
export async function listOrgRepos(
  client: GitHubClient,
  org: string,
  cursor: string | null,
): Promise<{ repos: OrgRepo[]; cursor: string }> {
  let cached: z.output<typeof orgListing> | null;
  try {
    cached = cursor ? orgListing.parse(JSON.parse(cursor)) : null;
  } catch {
    cached = null;
  }
  const etags = { old: cached?.etags ?? {}, next: {} as Record<string, string> };
  const first = await conditionalGet(
    client.octokit,
    'GET /orgs/{org}/repos',
    { org, per_page: 100, page: 1, sort: 'full_name' },
    z.array(orgRepo),
    etags,
  );
  if (first.notModified && cached) return { repos: cached.repos, cursor: cursor! };
  const all = first.notModified ? [] : [...first.data];
  for (let page = 2, more = !first.notModified && first.hasNext; more; page++) {
    const r = await conditionalGet(
      client.octokit,
      'GET /orgs/{org}/repos',
      { org, per_page: 100, page, sort: 'full_name' },
      z.array(orgRepo),
      null,
    );
    if (r.notModified) break;
    all.push(...r.data);
    more = r.hasNext;
  }
  const repos = all
    .filter((r) => !r.archived)
    .map((r) => ({ repo: r.full_name, default_branch: r.default_branch ?? null }));
  return { repos, cursor: JSON.stringify({ etags: etags.next, repos }) };
}
