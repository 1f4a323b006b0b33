import type { Authenticator } from './auth.js';
import type { Routes } from './http-kit.js';
import { byTime, listReply, notFound, withRepo } from './http-kit.js';

const PERMISSIONS = {
  actions: 'read',
  contents: 'read',
  deployments: 'read',
  issues: 'read',
  metadata: 'read',
  pull_requests: 'read',
};

/** GitHub App installation flow and the Deployments API. */
export function registerAppAndDeployments(
  routes: Routes,
  deps: { maxPerPage: number; auth: Authenticator },
): void {
  const { maxPerPage, auth } = deps;
  const installationId = auth.options.installationId ?? 4242;
  const appId = auth.options.appId ?? 77;
  const installation = (login: string) => ({
    id: installationId,
    account: { login, type: 'Organization' },
    app_id: appId,
    app_slug: 'pitwall',
    target_type: 'Organization',
    repository_selection: 'all',
    permissions: PERMISSIONS,
    access_tokens_url: `/app/installations/${installationId}/access_tokens`,
  });
  const owners = (ctx: { data: { repos: Map<string, { owner: string }> } }) => [
    ...new Set([...ctx.data.repos.values()].map((r) => r.owner)),
  ];
  routes.get('/app/installations', (ctx) => ({ body: owners(ctx).slice(0, 1).map(installation) }), {
    auth: 'jwt',
    resource: null,
  });
  routes.get(
    '/orgs/{org}/installation',
    (ctx) => {
      const org = owners(ctx).find((o) => o.toLowerCase() === (ctx.params.org ?? '').toLowerCase());
      return org ? { body: installation(org) } : notFound();
    },
    { auth: 'jwt', resource: null },
  );
  routes.post(
    '/app/installations/{installation_id}/access_tokens',
    (ctx) =>
      Number(ctx.params.installation_id) === installationId
        ? {
            status: 201,
            body: { ...auth.issueInstallationToken(), permissions: PERMISSIONS, repository_selection: 'all' },
          }
        : notFound(),
    { auth: 'jwt', resource: null },
  );
  routes.get('/repos/{owner}/{repo}/deployments', (ctx) =>
    withRepo(ctx, (repo) => {
      const q = ctx.query;
      const list = repo.deployments
        .map((d) => d.rest)
        .filter(
          (d) =>
            (!q.get('sha') || d.sha === q.get('sha')) &&
            (!q.get('ref') || d.ref === q.get('ref')) &&
            (!q.get('task') || d.task === q.get('task')) &&
            (!q.get('environment') || d.environment === q.get('environment')),
        );
      return listReply(
        byTime(list, (d) => d.created_at, 'desc'),
        ctx,
        maxPerPage,
      );
    }),
  );
  routes.get('/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', (ctx) =>
    withRepo(ctx, (repo) => {
      const d = repo.deployments.find((x) => x.rest.id === Number(ctx.params.deployment_id));
      return d ? listReply(d.statuses, ctx, maxPerPage) : notFound();
    }),
  );
}
