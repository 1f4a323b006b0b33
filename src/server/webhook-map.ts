import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { AnyRecordInput } from '../domain/records.js';
import { mapJob, mapRun } from '../collectors/github/map-actions.js';
import { deploymentFromRun, mapDeployment } from '../collectors/github/map-delivery.js';
import { mapPr } from '../collectors/github/map-prs.js';
import { prFromRest, restPull, restReview } from '../collectors/github/rest-prs.js';
import { restDeployment, restDeploymentStatus, restJob, restRun } from '../collectors/github/rest-schemas.js';

const repository = z.object({ full_name: z.string().regex(/^[^\s/]+\/[^\s/]+$/) });
/** A delivery's status carries its own `updated_at`; the REST list the collector reads may not. */
const deploymentStatus = restDeploymentStatus.extend({ updated_at: z.string().nullish() });

/**
 * The record with the payload's own time of its last change; without one it stays unordered
 * (a null sent would clear the stored time and with it the order).
 */
const versioned = <R extends AnyRecordInput>(r: R, at: string | null | undefined): R =>
  at ? { ...r, source_updated_at: at } : r;

/** The events we map, each payload validated with the REST schemas the collector uses. */
export const webhookPayloads = {
  workflow_run: z.object({ repository, workflow_run: restRun }),
  workflow_job: z.object({ repository, workflow_job: restJob }),
  pull_request: z.object({ repository, pull_request: restPull }),
  pull_request_review: z.object({ repository, pull_request: restPull, review: restReview }),
  deployment: z.object({ repository, deployment: restDeployment }),
  deployment_status: z.object({
    repository,
    deployment: restDeployment,
    deployment_status: deploymentStatus,
  }),
} as const;
export type WebhookEvent = keyof typeof webhookPayloads;

/**
 * A webhook delivery → records, with the collector's own mapping rules. Each record of a run, job
 * or deployment carries `source_updated_at`, the payload's own time of its last change, so a
 * delivery that arrives late (or a captured one sent again) never overwrites a newer state:
 * the store keeps the newer version (see `newerBy` in domain/records.ts).
 */
export async function recordsFromWebhook(
  event: WebhookEvent,
  payload: unknown,
  config: Config,
): Promise<AnyRecordInput[]> {
  const gh = config.github;
  const envOk = (env: string) => new RegExp(gh.deploy_environment_pattern, 'i').test(env);
  switch (event) {
    case 'workflow_run': {
      const p = webhookPayloads.workflow_run.parse(payload);
      const repo = p.repository.full_name;
      const pattern = gh.deploy_workflow_pattern;
      const deploys = pattern
        ? deploymentFromRun(
            { repo, settings: { deployWorkflowEnvironment: gh.deploy_workflow_environment } },
            p.workflow_run,
            [],
            (name) => new RegExp(pattern, 'i').test(name),
          )
        : [];
      return [mapRun(repo, p.workflow_run), ...deploys].map((r) => versioned(r, p.workflow_run.updated_at));
    }
    case 'workflow_job': {
      const p = webhookPayloads.workflow_job.parse(payload);
      const job = p.workflow_job;
      // A job payload has no updated_at: it last changed when it completed, or started, or was queued.
      const at = job.completed_at ?? job.started_at ?? job.created_at;
      return [versioned(mapJob(p.repository.full_name, job.workflow_name ?? 'workflow', job), at)];
    }
    case 'pull_request':
    case 'pull_request_review': {
      const p = webhookPayloads.pull_request_review.partial({ review: true }).parse(payload);
      // A pull_request event carries no reviews: the PR's review-derived values are enrichment's,
      // so mapping it without them clears nothing.
      return mapPr(p.repository.full_name, prFromRest(p.pull_request, p.review ? [p.review] : [], [], []));
    }
    case 'deployment':
    case 'deployment_status': {
      const p = webhookPayloads.deployment_status.partial({ deployment_status: true }).parse(payload);
      if (!envOk(p.deployment.environment)) return [];
      const status = p.deployment_status;
      const at = status
        ? (status.updated_at ?? status.created_at)
        : (p.deployment.updated_at ?? p.deployment.created_at);
      return [versioned(mapDeployment(p.repository.full_name, p.deployment, status ? [status] : []), at)];
    }
  }
}
