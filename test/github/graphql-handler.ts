import { readFileSync } from 'node:fs';
import {
  buildSchema,
  execute,
  GraphQLError,
  Kind,
  parse,
  validate,
  getVariableValues,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { z } from 'zod';
import type { FaultPlan } from './faults.js';
import { nodeById } from './graphql-checks.js';
import { queryCost } from './graphql-limits.js';
import { connection, prState, pullView, type PageArgs } from './graphql-views.js';
import type { Reply } from './http-kit.js';
import type { RepoModel, ServerData } from './model.js';
import { findPull, repoOf } from './model.js';
import type { RateLimits } from './rate-limit.js';

export const schema = buildSchema(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

const body = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

/** graphql-js keeps custom fields in `extensions`; GitHub puts `type` beside the message. */
const gitHubError = (type: string, message: string) => new GraphQLError(message, { extensions: { type } });
function format(e: GraphQLError) {
  const { type, ...rest } = (e.extensions ?? {}) as { type?: string };
  return {
    ...(type ? { type } : {}),
    path: e.path,
    locations: e.locations,
    message: e.message,
    ...(Object.keys(rest).length ? { extensions: rest } : {}),
  };
}

const ORDER = { CREATED_AT: 'created_at', UPDATED_AT: 'updated_at', PUSHED_AT: 'pushed_at' } as const;

function repositoryView(repo: RepoModel) {
  const r = repo.rest;
  return {
    id: typeof r.node_id === 'string' ? r.node_id : `R_${r.id}`,
    databaseId: r.id,
    name: r.name,
    nameWithOwner: r.full_name,
    owner: { __typename: 'Organization', id: `O_${repo.owner}`, login: repo.owner },
    isArchived: r.archived === true,
    isFork: r.fork === true,
    isPrivate: r.private === true,
    url: `https://github.com/${r.full_name}`,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    pushedAt: r.pushed_at ?? null,
    defaultBranchRef: { name: r.default_branch, prefix: 'refs/heads/' },
    pullRequest: ({ number }: { number: number }) => {
      const p = findPull(repo, number);
      if (!p)
        throw gitHubError('NOT_FOUND', `Could not resolve to a PullRequest with the number of ${number}.`);
      return pullView(repo, p);
    },
    pullRequests: (
      a: PageArgs & {
        states?: string[] | null;
        orderBy?: { field: string; direction: string } | null;
        baseRefName?: string | null;
        headRefName?: string | null;
        labels?: string[] | null;
      },
    ) => {
      const field = a.orderBy?.field ?? 'CREATED_AT';
      const sign = a.orderBy?.direction === 'DESC' ? -1 : 1;
      const key = (p: (typeof repo.pulls)[number]) =>
        field === 'COMMENTS'
          ? p.detail.comments
          : Date.parse(field === 'UPDATED_AT' ? p.rest.updated_at : p.rest.created_at);
      const list = repo.pulls
        .filter(
          (p) =>
            (!a.states || a.states.includes(prState(p))) &&
            (!a.baseRefName || p.rest.base.ref === a.baseRefName) &&
            (!a.headRefName || p.rest.head.ref === a.headRefName) &&
            (!a.labels || p.rest.labels.some((l) => a.labels!.includes(l.name))),
        )
        .sort((x, y) => sign * (key(x) - key(y) || x.rest.number - y.rest.number));
      // Views are built for the requested page only: the benchmark org has thousands per repo.
      const page = connection(list, a);
      const view = (p: (typeof list)[number]) => pullView(repo, p);
      return {
        ...page,
        nodes: page.nodes.map(view),
        edges: page.edges.map((e) => ({ cursor: e.cursor, node: view(e.node) })),
      };
    },
  };
}

export interface GraphQLDeps {
  data: () => ServerData;
  limits: RateLimits;
  faults: () => FaultPlan;
}

/** Executes one POST /graphql: limits and cost first (as GitHub rejects before running), then the query. */
export function handleGraphQL(raw: unknown, deps: GraphQLDeps): Reply {
  const parsed = body.safeParse(raw);
  if (!parsed.success)
    return {
      status: 400,
      body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' },
    };
  let doc: DocumentNode;
  try {
    doc = parse(parsed.data.query);
  } catch (e) {
    return { body: { errors: [format(e as GraphQLError)] }, cost: 0 };
  }
  const invalid = validate(schema, doc);
  if (invalid.length) return { body: { errors: invalid.map(format) }, cost: 0 };
  const ops = doc.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const op =
    ops.find((o) => !parsed.data.operationName || o.name?.value === parsed.data.operationName) ?? ops[0]!;
  const fragments = Object.fromEntries(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const vars = getVariableValues(schema, op.variableDefinitions ?? [], parsed.data.variables ?? {});
  if (vars.errors) return { body: { errors: vars.errors.map(format) }, cost: 0 };
  const { cost, nodeCount, errors } = queryCost(schema, op.selectionSet, fragments, vars.coerced);
  if (errors.length) return { body: { errors }, cost: 0 };
  const { limits } = deps;
  if (cost > 0 && limits.exhausted('graphql'))
    return {
      body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] },
      cost: 0,
    };
  const data = deps.data();
  const root = {
    rateLimit: () => {
      const s = limits.state('graphql');
      return {
        cost,
        nodeCount,
        limit: s.limit,
        remaining: Math.max(0, s.remaining - cost),
        used: s.used + cost,
        resetAt: s.resetAt,
      };
    },
    node: ({ id }: { id: string }) => nodeById(data, id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => nodeById(data, id)),
    viewer: () => ({
      __typename: 'User',
      login: 'pitwall-test',
      id: 'U_1',
      databaseId: 1,
      email: '',
      name: null,
      avatarUrl: 'https://avatars.githubusercontent.com/u/1',
      url: 'https://github.com/pitwall-test',
    }),
    organization: ({ login }: { login: string }) => {
      const repos = [...data.repos.values()].filter((r) => r.owner.toLowerCase() === login.toLowerCase());
      if (!repos.length)
        throw gitHubError('NOT_FOUND', `Could not resolve to an Organization with the login of '${login}'.`);
      return {
        id: `O_${repos[0]!.owner}`,
        databaseId: 600_000,
        login: repos[0]!.owner,
        repositories: (
          a: PageArgs & {
            orderBy?: { field: keyof typeof ORDER | 'NAME' | 'STARGAZERS'; direction: string } | null;
            isFork?: boolean | null;
            isArchived?: boolean | null;
          },
        ) => {
          const field = a.orderBy?.field ?? 'CREATED_AT';
          const sign = a.orderBy?.direction === 'DESC' ? -1 : 1;
          const key = (r: RepoModel) =>
            field === 'NAME' || field === 'STARGAZERS' ? r.rest.name : String(r.rest[ORDER[field]] ?? '');
          const list = repos
            .filter(
              (r) =>
                (a.isFork == null || (r.rest.fork === true) === a.isFork) &&
                (a.isArchived == null || (r.rest.archived === true) === a.isArchived),
            )
            .sort((x, y) => sign * key(x).localeCompare(key(y)) || x.rest.id - y.rest.id);
          return connection(list.map(repositoryView), a);
        },
      };
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const failing = deps.faults().failingRepo(owner, name);
      if (failing === 500)
        throw gitHubError(
          'INTERNAL',
          'Something went wrong while executing your query. Please include `0000:0000:0000000:0000000:00000000` when reporting this issue.',
        );
      const repo = failing === 404 ? undefined : repoOf(data, owner, name);
      if (!repo)
        throw gitHubError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryView(repo);
    },
  };
  const result = execute({
    schema,
    document: doc,
    rootValue: root,
    variableValues: parsed.data.variables ?? {},
    operationName: parsed.data.operationName ?? undefined,
  });
  if ('then' in result) throw new Error('resolvers are synchronous');
  return {
    body: {
      data: result.data ?? null,
      ...(result.errors?.length ? { errors: result.errors.map(format) } : {}),
    },
    cost,
  };
}
