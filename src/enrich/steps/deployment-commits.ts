import picomatch from 'picomatch';
import type { Config } from '../../config/schema.js';
import type { SqlValue, Store } from '../../store/store.js';
import { placeholders } from '../../store/store.js';
import { replaceChanged } from '../replace-changed.js';
import type { EnrichStep } from '../step.js';

interface DeploymentRow {
  id: string;
  repo: string;
  service: string;
  environment: string;
  sha: string;
  at: Date;
}

interface CommitRow {
  repo: string;
  sha: string;
  parents: string;
  committed_at: Date;
  paths?: string | null;
}

/** Full shas for deployments recorded with a short sha or no repo, from the commits we know. */
async function resolveDeploymentShas(store: Store): Promise<number> {
  let resolved = 0;
  const open = await store.query<{ id: string; sha: string; repo: string | null }>(
    `select id, sha, repo from deployments where repo is null or length(sha) < 40`,
  );
  for (const d of open) {
    const matches = await store.query<{ repo: string; sha: string }>(
      `select repo, sha from commits where sha like $1 ${d.repo ? 'and repo = $2' : ''} limit 2`,
      d.repo ? [`${d.sha}%`, d.repo] : [`${d.sha}%`],
    );
    if (matches.length === 1)
      await store.query(`update deployments set repo = $1, sha = $2 where id = $3`, [
        matches[0]!.repo,
        matches[0]!.sha,
        d.id,
      ]);
    if (matches.length === 1) resolved++;
  }
  return resolved;
}

/**
 * For each successful deployment, the commits it shipped for the first time to its
 * (service, environment): everything reachable from its sha through `parents` that no
 * earlier deployment there had shipped. Ancestry, not timestamps, so squash merges,
 * cherry-picks and out-of-order pushes are attributed correctly. Recomputed per group of
 * repositories, so memory stays bounded by COMMITS_PER_GROUP or the largest repository's history.
 *
 * The first deployment of a stream that ships anything ships the whole history before it,
 * most of it deployed long ago by deployments Pitwall never saw. Its commits older than
 * `dora.first_deployment_credit_hours` are flagged `baseline`: shipped, so later deployments
 * do not ship them again, but credited to no deployment (lead time, deploy phase, reverts).
 */
export async function linkDeploymentCommits(store: Store, config: Config): Promise<number> {
  const rows: SqlValue[][] = [];
  const creditMs = config.dora.first_deployment_credit_hours * 3_600_000;
  for (const group of await repoGroups(store)) {
    const inGroup = placeholders(group.length);
    const commitsOf = new Map<string, CommitRow[]>();
    // Paths matter only to services with path rules.
    const cols = `repo, sha, parents, committed_at${config.services.length ? ', paths' : ''}`;
    for (const c of await store.query<CommitRow>(
      `select ${cols} from commits where repo in (${inGroup})`,
      group,
    )) {
      let list = commitsOf.get(c.repo);
      if (!list) commitsOf.set(c.repo, (list = []));
      list.push(c);
    }
    const deploymentsOf = new Map<string, DeploymentRow[]>();
    for (const d of await store.query<DeploymentRow>(
      `select id, repo, service, environment, sha, coalesce(finished_at, started_at) as at from deployments
       where repo in (${inGroup}) and status = 'success' order by repo, coalesce(finished_at, started_at), id`,
      group,
    )) {
      let list = deploymentsOf.get(d.repo);
      if (!list) deploymentsOf.set(d.repo, (list = []));
      list.push(d);
    }
    for (const repo of group) {
      const commits = commitsOf.get(repo) ?? [];
      commitsOf.delete(repo);
      linkRepo(repo, commits, deploymentsOf.get(repo) ?? [], serviceRules(config, repo), creditMs, rows);
    }
  }
  await replaceChanged(store, {
    table: 'deployment_commits',
    columns: ['deployment_id', 'repo', 'sha', 'baseline'],
    key: ['deployment_id', 'repo', 'sha'],
    rows,
  });
  return rows.length;
}

/** Commits read per query: bounds memory by about this many commits (or the largest repository). */
const COMMITS_PER_GROUP = 200_000;

/**
 * The repositories with successful deployments, grouped so each group's commits are read in one
 * query: one query per repository cost 2 ms each, most of this step on a small batch (34 repos,
 * 68 queries, 136 of 179 ms).
 */
async function repoGroups(store: Store): Promise<string[][]> {
  const repos = await store.query<{ repo: string; commits: number }>(
    `select d.repo, coalesce(max(c.n), 0) as commits
     from (select distinct repo from deployments where repo is not null and status = 'success') d
     left join (select repo, count(*) as n from commits group by repo) c on c.repo = d.repo
     group by d.repo order by d.repo`,
  );
  const groups: string[][] = [];
  let size = Infinity;
  for (const { repo, commits } of repos) {
    if (size + Number(commits) > COMMITS_PER_GROUP) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)!.push(repo);
    size += Number(commits);
  }
  return groups;
}

/** One repository's deployments (in time order) walked through its commit graph into `rows`. */
function linkRepo(
  repo: string,
  commits: readonly CommitRow[],
  deployments: readonly DeploymentRow[],
  rules: Map<string, (path: string) => boolean>,
  creditMs: number,
  rows: SqlValue[][],
): void {
  const parents = new Map<string, string[]>();
  const committed = new Map<string, number>();
  const paths = new Map<string, string[]>();
  for (const c of commits) {
    parents.set(c.sha, c.parents ? c.parents.split(' ') : []);
    committed.set(c.sha, c.committed_at.getTime());
    if (rules.size && c.paths) paths.set(c.sha, JSON.parse(c.paths) as string[]);
  }
  const shippedBy = new Map<string, Set<string>>();
  for (const d of deployments) {
    const streamKey = `${d.service}\u0000${d.environment}`;
    let shipped = shippedBy.get(streamKey);
    if (!shipped) shippedBy.set(streamKey, (shipped = new Set()));
    // Nothing shipped to this stream yet: this deployment is its baseline.
    const creditFrom = shipped.size ? -Infinity : d.at.getTime() - creditMs;
    const stack = [d.sha];
    while (stack.length) {
      const sha = stack.pop()!;
      if (shipped.has(sha) || !parents.has(sha)) continue;
      shipped.add(sha);
      // A service with path rules ships every ancestor but claims only the commits touching
      // its paths; a commit whose paths are unknown is claimed (better counted than lost).
      const rule = rules.get(d.service);
      const touched = paths.get(sha) ?? [];
      if (!rule || !touched.length || touched.some((p) => rule(p)))
        rows.push([d.id, repo, sha, committed.get(sha)! < creditFrom]);
      for (const p of parents.get(sha)!) stack.push(p);
    }
  }
}

/** service → path matcher, for the services of `repo` that declare path rules. */
function serviceRules(config: Config, repo: string): Map<string, (path: string) => boolean> {
  const m = new Map<string, (path: string) => boolean>();
  for (const s of config.services)
    if (!s.repo || s.repo === repo) m.set(s.name, picomatch(s.paths, { dot: true }));
  return m;
}

export const deploymentShas = {
  id: 'deployment-shas',
  description: 'full sha and repository of deployments recorded with a short sha or none',
  reads: ['deployments', 'commits'],
  writes: ['deployments'],
  run: ({ store }) => resolveDeploymentShas(store),
} satisfies EnrichStep;

export const deploymentCommits = {
  id: 'deployment-commits',
  description:
    'the commits each successful deployment shipped first to its service and environment (ancestry)',
  reads: ['deployments', 'commits'],
  writes: ['deployment_commits'],
  config: (c) => ({ services: c.services, credit_hours: c.dora.first_deployment_credit_hours }),
  run: ({ store, config }) => linkDeploymentCommits(store, config),
} satisfies EnrichStep;
