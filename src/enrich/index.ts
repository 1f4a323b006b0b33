import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';

export interface EnrichSummary {
  deploymentCommits: number;
  failedDeployments: number;
}

/**
 * Derives the linked tables (deployment_commits, deployment_outcomes) from what was ingested.
 * Every writer that changes deployments, commits or incidents calls this afterwards.
 */
export async function enrich(store: Store, config: Config): Promise<EnrichSummary> {
  const { linkDeploymentCommits } = await import('./deployment-commits.js');
  const { deriveDeploymentOutcomes } = await import('./deployment-outcomes.js');
  const deploymentCommits = await linkDeploymentCommits(store, config);
  const failedDeployments = await deriveDeploymentOutcomes(store, config);
  return { deploymentCommits, failedDeployments };
}
