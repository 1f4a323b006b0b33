import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { deriveCommitDeliveries } from './commit-deliveries.js';
import { deriveCriticalPaths } from './critical-path.js';
import { linkDeploymentCommits } from './deployment-commits.js';
import { deriveDeploymentOutcomes } from './deployment-outcomes.js';
import { derivePrCycles } from './pr-cycles.js';

export interface EnrichSummary {
  deploymentCommits: number;
  commitDeliveries: number;
  failedDeployments: number;
  prCycles: number;
  criticalPaths: number;
}

/**
 * Derives the linked tables from what was ingested: deployment ↔ commits (ancestry), deployment
 * outcomes, the per-PR cycle breakdown and each CI run's critical path. Every writer that changes
 * deployments, commits, PRs, incidents or CI runs calls this afterwards. Order matters: outcomes
 * and PR cycles read the deployment links.
 */
export async function enrich(store: Store, config: Config): Promise<EnrichSummary> {
  const deploymentCommits = await linkDeploymentCommits(store, config);
  const commitDeliveries = await deriveCommitDeliveries(store, config);
  const failedDeployments = await deriveDeploymentOutcomes(store, config);
  const prCycles = await derivePrCycles(store, config);
  const criticalPaths = await deriveCriticalPaths(store);
  return { deploymentCommits, commitDeliveries, failedDeployments, prCycles, criticalPaths };
}

/**
 * Leaves every derived table fresh: the one call every writer makes after it wrote.
 * (Being reworked into declared steps that run only when their inputs changed.)
 */
export function ensureFresh(store: Store, config: Config): Promise<EnrichSummary> {
  return enrich(store, config);
}
