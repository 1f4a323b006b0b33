import type { Queryable } from '../../store/store.js';
import type { AnnotationRow, Confounders, DeploymentRow, Window } from './types.js';

const sideOf = (at: Date, w: { before: Window; after: Window }): 'before' | 'after' =>
  at < w.before.to ? 'before' : 'after';

/**
 * What else changed inside the windows (the seed's "track deployment dates"): other annotations
 * and every deployment. Restricted to one repository when the comparison is (org-wide
 * annotations, with no repository, always count).
 */
export async function confoundersOf(
  store: Queryable,
  w: { before: Window; after: Window },
  o: { exclude: string | null; repo: string | null; limit?: number },
): Promise<Confounders> {
  const limit = o.limit ?? 50;
  const from = w.before.from;
  const to = w.after.to;
  const repoAnn = o.repo ? ` and (repo = $3 or repo is null)` : '';
  const params = o.repo ? [from, to, o.repo] : [from, to];
  const annotations = (
    await store.query<AnnotationRow>(
      `select id, occurred_at, title, team, repo, category, metric from annotations
       where occurred_at >= $1::timestamp and occurred_at < $2::timestamp${repoAnn}
       order by occurred_at, id`,
      params,
    )
  )
    .filter((a) => a.id !== o.exclude)
    .map((a) => ({ ...a, window: sideOf(a.occurred_at, w) }));
  // A deployment changes things when it finishes (or starts, if it never finished).
  const at = 'coalesce(finished_at, started_at)';
  const deployments = await store.query<Omit<DeploymentRow, 'window'>>(
    `select id, service, environment, repo, ${at} as at, status from deployments
     where ${at} >= $1::timestamp and ${at} < $2::timestamp${o.repo ? ' and repo = $3' : ''}
     order by ${at}, id`,
    params,
  );
  const rows = deployments.map((d) => ({ ...d, window: sideOf(d.at, w) }));
  const byKey = new Map<string, { service: string; environment: string; before: number; after: number }>();
  for (const d of rows) {
    const key = `${d.service}\u0000${d.environment}`;
    const e = byKey.get(key) ?? { service: d.service, environment: d.environment, before: 0, after: 0 };
    e[d.window]++;
    byKey.set(key, e);
  }
  return {
    annotations,
    deployments: {
      total: rows.length,
      before: rows.filter((d) => d.window === 'before').length,
      after: rows.filter((d) => d.window === 'after').length,
      byService: [...byKey.values()].sort(
        (a, b) =>
          b.before + b.after - (a.before + a.after) ||
          a.service.localeCompare(b.service) ||
          a.environment.localeCompare(b.environment),
      ),
      rows: rows.slice(0, limit),
      limit,
    },
  };
}
