import picomatch from 'picomatch';
import type { Config } from '../../config/schema.js';
import type { SqlValue, Store } from '../../store/store.js';
import type { EnrichStep } from '../step.js';

interface DeploymentRow {
  id: string;
  repo: string;
  service: string;
  environment: string;
  sha: string;
  at: Date;
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
 * cherry-picks and out-of-order pushes are attributed correctly. Recomputed per repo,
 * so memory stays bounded by the largest repository's history.
 *
 * The first deployment of a stream that ships anything ships the whole history before it,
 * most of it deployed long ago by deployments Pitwall never saw. Its commits older than
 * `dora.first_deployment_credit_hours` are flagged `baseline`: shipped, so later deployments
 * do not ship them again, but credited to no deployment (lead time, deploy phase, reverts).
 */
export async function linkDeploymentCommits(store: Store, config: Config): Promise<number> {
  const repos = await store.query<{ repo: string }>(
    `select distinct repo from deployments where repo is not null and status = 'success' order by repo`,
  );
  const rows: SqlValue[][] = [];
  const creditMs = config.dora.first_deployment_credit_hours * 3_600_000;
  for (const { repo } of repos) {
    const rules = serviceRules(config, repo);
    const parents = new Map<string, string[]>();
    const committed = new Map<string, number>();
    const paths = new Map<string, string[]>();
    const cols = rules.size ? 'sha, parents, committed_at, paths' : 'sha, parents, committed_at';
    for (const c of await store.query<{
      sha: string;
      parents: string;
      committed_at: Date;
      paths?: string | null;
    }>(`select ${cols} from commits where repo = $1`, [repo])) {
      parents.set(c.sha, c.parents ? c.parents.split(' ') : []);
      committed.set(c.sha, c.committed_at.getTime());
      if (c.paths) paths.set(c.sha, JSON.parse(c.paths) as string[]);
    }
    const deployments = await store.query<DeploymentRow>(
      `select id, repo, service, environment, sha, coalesce(finished_at, started_at) as at from deployments
       where repo = $1 and status = 'success' order by coalesce(finished_at, started_at), id`,
      [repo],
    );
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
  await store.upsert([
    {
      table: 'deployment_commits',
      columns: ['deployment_id', 'repo', 'sha', 'baseline'],
      key: ['deployment_id', 'repo', 'sha'],
      rows,
      replace: true,
    },
  ]);
  return rows.length;
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
