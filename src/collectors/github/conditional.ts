import type { z } from 'zod';
import { PitwallError } from '../../errors/errors.js';
import { isNotModified, type GitHubOctokit } from './client.js';

/**
 * ETags by request key, kept in the repository's cursor: a 304 costs nothing against the
 * primary rate limit, and the cursor is saved only after a successful run, so a remembered
 * ETag always stands for data already in the warehouse.
 */
export type Etags = Record<string, string>;

export type Page<T> = { notModified: true } | { notModified: false; data: T; hasNext: boolean };

const keyOf = (route: string, params: Record<string, string | number>) =>
  `${route}?${Object.entries(params)
    .filter(([k]) => k !== 'owner' && k !== 'repo')
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}`;

/** GET with If-None-Match; validates the body with `schema` (GitHub JSON is untrusted input). */
export async function conditionalGet<S extends z.ZodType>(
  octokit: GitHubOctokit,
  route: string,
  params: Record<string, string | number>,
  schema: S,
  etags: { old: Etags; next: Etags } | null,
): Promise<Page<z.output<S>>> {
  const key = keyOf(route, params);
  const known = etags?.old[key];
  try {
    const res = await octokit.request(route, {
      ...params,
      headers: known ? { 'if-none-match': known } : {},
    });
    const parsed = schema.safeParse(res.data);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new PitwallError(
        'collector_failed',
        `unexpected GitHub response to ${route}: ${i.path.join('.') || '(body)'}: ${i.message}`,
      );
    }
    const etag = res.headers.etag;
    if (etags && etag) etags.next[key] = etag;
    return { notModified: false, data: parsed.data, hasNext: /rel="next"/.test(res.headers.link ?? '') };
  } catch (e) {
    if (isNotModified(e) && known) {
      if (etags) etags.next[key] = known;
      return { notModified: true };
    }
    throw e;
  }
}
