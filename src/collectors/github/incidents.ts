import { z } from 'zod';
import { conditionalGet } from './conditional.js';
import { hasAnyLabel, mapIncident } from './map-delivery.js';
import { restIssue } from './rest-schemas.js';
import { maxIso, type Batches, type RepoContext } from './repo-context.js';

/**
 * Issues carrying an incident label, updated since the cursor (so a resolution is picked up).
 * One listing per label: GitHub's `labels` filter requires all listed labels at once.
 */
export async function* incidents(ctx: RepoContext): Batches {
  const since = ctx.previous.issues_since ?? ctx.settings.since?.toISOString() ?? null;
  for (const label of ctx.settings.incidentLabels) {
    for (let page = 1; ; page++) {
      const r = await conditionalGet(
        ctx.octokit,
        'GET /repos/{owner}/{repo}/issues',
        {
          owner: ctx.owner,
          repo: ctx.name,
          state: 'all',
          labels: label,
          sort: 'updated',
          direction: 'asc',
          per_page: ctx.settings.pageSize,
          page,
          ...(since ? { since } : {}),
        },
        z.array(restIssue),
        ctx.etags,
      );
      if (r.notModified) break;
      const found = r.data.filter((i) => !i.pull_request && hasAnyLabel(i, ctx.settings.incidentLabels));
      for (const i of found)
        ctx.next.issues_since = maxIso(ctx.next.issues_since, i.updated_at ?? i.created_at);
      if (found.length) yield found.map((i) => mapIncident(ctx.repo, i));
      if (!r.hasNext) break;
    }
  }
}
