import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { AnyRecordInput } from '../domain/records.js';
import { mapJob, mapRun } from '../collectors/github/map-actions.js';
import { deploymentFromRun, mapDeployment } from '../collectors/github/map-delivery.js';
import { mapPr } from '../collectors/github/map-prs.js';
import { anyMatch } from '../collectors/github/normalize.js';
import type { ReviewFacts } from '../collectors/github/pr-facts.js';
import { prFromRest, restPull, restReview } from '../collectors/github/rest-prs.js';
import { restDeployment, restDeploymentStatus, restJob, restRun } from '../collectors/github/rest-schemas.js';
import type { Queryable } from '../store/store.js';

const repository = z.object({ full_name: z.string().regex(/^[^\s/]+\/[^\s/]+$/) });

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
    deployment_status: restDeploymentStatus,
  }),
} as const;
export type WebhookEvent = keyof typeof webhookPayloads;

/**
 * Reviews already stored for a PR: a pull_request event carries none, and mapping it without
 * them would clear the PR's first-review and first-approval times.
 */
async function storedReviews(store: Queryable, repo: string, pr: number): Promise<ReviewFacts[]> {
  const rows = await store.query<{
    review_id: string;
    reviewer: string;
    state: string;
    submitted_at: Date;
    comments: number;
  }>(
    'select review_id, reviewer, state, submitted_at, comments from reviews where repo = $1 and pr_number = $2',
    [repo, pr],
  );
  return rows.map((r) => ({
    id: r.review_id,
    author: { login: r.reviewer, isBot: false },
    state: r.state.toUpperCase(),
    submittedAt: new Date(r.submitted_at).toISOString(),
    comments: Number(r.comments),
  }));
}

/** A webhook delivery → records, with the collector's own mapping rules. */
export async function recordsFromWebhook(
  event: WebhookEvent,
  payload: unknown,
  store: Queryable,
  config: Config,
): Promise<AnyRecordInput[]> {
  const gh = config.github;
  const hotfix = anyMatch(config.git.hotfix_patterns);
  const rules = {
    botLogins: config.bots.logins,
    isHotfix: (title: string, branch: string | null) => hotfix(title) || (branch !== null && hotfix(branch)),
  };
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
      return [mapRun(repo, p.workflow_run), ...deploys];
    }
    case 'workflow_job': {
      const p = webhookPayloads.workflow_job.parse(payload);
      return [mapJob(p.repository.full_name, p.workflow_job.workflow_name ?? 'workflow', p.workflow_job)];
    }
    case 'pull_request':
    case 'pull_request_review': {
      const p = webhookPayloads.pull_request_review.partial({ review: true }).parse(payload);
      const repo = p.repository.full_name;
      const reviews = await storedReviews(store, repo, p.pull_request.number);
      const facts = prFromRest(p.pull_request, [], [], []);
      facts.reviews = reviews;
      if (p.review && !reviews.some((r) => r.id === String(p.review!.id)))
        facts.reviews.push(...prFromRest(p.pull_request, [p.review], [], []).reviews);
      return mapPr(repo, facts, rules);
    }
    case 'deployment':
    case 'deployment_status': {
      const p = webhookPayloads.deployment_status.partial({ deployment_status: true }).parse(payload);
      if (!envOk(p.deployment.environment)) return [];
      const statuses = p.deployment_status ? [p.deployment_status] : [];
      return [mapDeployment(p.repository.full_name, p.deployment, statuses)];
    }
  }
}
