import { createHash, randomUUID } from 'node:crypto';
import type { Authenticator } from './auth.js';
import type { FaultPlan } from './faults.js';
import type { Reply, Route, RouteCtx } from './http-kit.js';
import { DOCS, message } from './http-kit.js';
import type { RateLimits } from './rate-limit.js';
import type { ServerStats } from './stats.js';

export interface PipelineDeps {
  auth: Authenticator;
  limits: RateLimits;
  faults: () => FaultPlan;
  stats: () => ServerStats;
  retryAfterSeconds: () => number;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** Serialized JSON, or null for a 304. */
  body: string | null;
  /** Drop the connection instead of answering. */
  hangUp?: boolean;
}

const etagOf = (text: string) => `"${createHash('sha1').update(text).digest('hex')}"`;
const matches = (header: string | null, etag: string) =>
  !!header && header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);

/**
 * What happens around every route, in GitHub's order: auth, a failing repository, injected
 * faults, the primary limit, the route itself, then ETag/304 and the rate-limit headers.
 */
export async function runRoute(
  route: Route,
  ctx: RouteCtx,
  headers: Headers,
  deps: PipelineDeps,
): Promise<Answer> {
  const stats = deps.stats();
  const ordinal = ++stats.requests;
  const kind = `${route.method} ${route.template}`;
  stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
  const resource = route.resource;
  if (resource) stats.byResource[resource]++;
  const faults = deps.faults();
  if (faults.hangUp(ordinal)) {
    stats.faults.hangUp++;
    return { status: 0, headers: {}, body: null, hangUp: true };
  }
  const reply = await decide(route, ctx, headers, deps, ordinal, kind);
  const status = reply.status ?? 200;
  const out: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': randomUUID().toUpperCase(),
    'x-github-media-type': 'github.v3; format=json',
    ...reply.headers,
  };
  let body: string | null = JSON.stringify(reply.body);
  let finalStatus = status;
  if (route.method === 'GET' && status === 200) {
    out.etag = etagOf(body);
    if (matches(headers.get('if-none-match'), out.etag)) {
      // GitHub does not count a 304 against the primary limit.
      finalStatus = 304;
      body = null;
      stats.notModified++;
    }
  }
  const charged =
    finalStatus === 304 || status === 502 || reply.headers?.['x-pitwall-fault'] ? 0 : (reply.cost ?? 1);
  if (resource && charged > 0) {
    deps.limits.charge(resource, charged);
    stats.points[resource] += charged;
  }
  delete out['x-pitwall-fault'];
  if (!out['x-ratelimit-remaining']) Object.assign(out, deps.limits.headers(resource ?? 'core'));
  stats.byStatus[finalStatus] = (stats.byStatus[finalStatus] ?? 0) + 1;
  return { status: finalStatus, headers: out, body };
}

async function decide(
  route: Route,
  ctx: RouteCtx,
  headers: Headers,
  deps: PipelineDeps,
  ordinal: number,
  kind: string,
): Promise<Reply> {
  const stats = deps.stats();
  const fault = { 'x-pitwall-fault': '1' };
  if (route.auth !== 'none') {
    const who = deps.auth.identify(headers.get('authorization') ?? undefined);
    if ('error' in who) return { ...message(401, who.error), headers: fault };
    if (route.auth === 'jwt' && who.kind !== 'jwt')
      return { ...message(401, 'A JSON web token could not be decoded'), headers: fault };
    if (route.auth === 'token' && who.kind === 'jwt')
      return { ...message(401, 'A JSON web token cannot be used to access this endpoint'), headers: fault };
  }
  const faults = deps.faults();
  const failing = faults.failingRepo(ctx.params.owner, ctx.params.repo);
  if (failing) {
    stats.faults.failingRepo++;
    return failing === 404 ? message(404, 'Not Found') : { status: 500, body: { message: 'Server Error' } };
  }
  if (route.resource) {
    const injected = faults.inject(ordinal, kind);
    if (injected === 'badGateway') {
      stats.faults.badGateway++;
      return { status: 502, body: { message: 'Server Error' }, headers: fault };
    }
    if (injected === 'secondaryLimit') {
      stats.faults.secondaryLimit++;
      const id = randomUUID().toUpperCase();
      return {
        status: 403,
        body: {
          message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${id}.`,
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
        },
        headers: { ...fault, 'retry-after': String(deps.retryAfterSeconds()) },
      };
    }
    if (route.resource !== 'graphql' && deps.limits.exhausted(route.resource)) {
      stats.faults.primaryLimit++;
      return {
        status: deps.limits.status,
        body: {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
        },
        headers: fault,
      };
    }
  }
  return route.handler(ctx);
}
