import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { checkOrder, ensureFreshWith, type EnrichSummary } from './fresh.js';
import type { EnrichStep } from './step.js';
import { bots } from './steps/bots.js';
import { commitDeliveries } from './steps/commit-deliveries.js';
import { criticalPaths } from './steps/critical-paths.js';
import { deploymentCommits, deploymentShas } from './steps/deployment-commits.js';
import { deploymentOutcomes } from './steps/deployment-outcomes.js';
import { prCycles } from './steps/pr-cycles.js';
import { prDiffCoverage } from './steps/pr-diff-coverage.js';
import { productionDeployments } from './steps/production-deployments.js';
import { hotfixFlags } from './steps/hotfix-flags.js';
import { reviewFacts } from './steps/review-facts.js';

export type { EnrichSummary } from './fresh.js';
export type { EnrichStep } from './step.js';

/**
 * The registry of enrichment steps, in dependency order (checked at load: a step comes after
 * every step that writes what it reads).
 */
export const enrichSteps: readonly EnrichStep[] = [
  bots,
  reviewFacts,
  hotfixFlags,
  deploymentShas,
  productionDeployments,
  deploymentCommits,
  commitDeliveries,
  deploymentOutcomes,
  prCycles,
  criticalPaths,
  prDiffCoverage,
];
checkOrder(enrichSteps);

/**
 * Leaves every derived table fresh: the one call every writer (CLI, server, scheduler,
 * listeners, agent) makes after it wrote. Runs only the steps whose inputs or config changed.
 */
export function ensureFresh(store: Store, config: Config): Promise<EnrichSummary> {
  return ensureFreshWith(store, config, enrichSteps);
}
