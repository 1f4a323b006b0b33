import { createHash } from 'node:crypto';
import { invalidArgument } from '../../errors/errors.js';
import type { Queryable } from '../../store/store.js';
import type { AnnotationRow } from './types.js';

export interface AnnotationInput {
  title: string;
  at: Date;
  metric: string | null;
  repo: string | null;
  team: string | null;
  category: string;
  id?: string;
}

/**
 * The `annotation` record a change becomes (ingested like any record, so derived tables stay
 * fresh). The id derives from the text and the time, so a retried call records nothing twice.
 */
export function annotationRecord(a: AnnotationInput) {
  const id =
    a.id ??
    `ann-${createHash('sha1').update(`${a.title}\u0000${a.at.toISOString()}`).digest('hex').slice(0, 12)}`;
  return {
    kind: 'annotation' as const,
    id,
    occurred_at: a.at,
    title: a.title,
    team: a.team,
    repo: a.repo,
    category: a.category,
    metric: a.metric,
  };
}

const COLUMNS = 'id, occurred_at, title, team, repo, category, metric';

export async function findAnnotation(store: Queryable, id: string): Promise<AnnotationRow> {
  const [row] = await store.query<AnnotationRow>(`select ${COLUMNS} from annotations where id = $1`, [id]);
  if (!row)
    throw invalidArgument(
      `no annotation with id ${JSON.stringify(id)}: list them with pitwall annotate --list (or GET /api/v1/annotations), or record one with pitwall annotate "TEXT" --at DATE`,
      { field: 'annotation' },
    );
  return row;
}

/** Annotations, newest first: those naming one metric, of one category, in [from, to), when given. */
export async function listAnnotations(
  store: Queryable,
  q: {
    metric?: string | null;
    category?: string | null;
    from?: Date | null;
    to?: Date | null;
    limit?: number;
  },
): Promise<AnnotationRow[]> {
  const where: string[] = [];
  const params: (string | Date | number)[] = [];
  if (q.metric) {
    params.push(q.metric);
    where.push(`metric = $${params.length}`);
  }
  if (q.category) {
    params.push(q.category);
    where.push(`category = $${params.length}`);
  }
  if (q.from) {
    params.push(q.from);
    where.push(`occurred_at >= $${params.length}::timestamp`);
  }
  if (q.to) {
    params.push(q.to);
    where.push(`occurred_at < $${params.length}::timestamp`);
  }
  params.push(Math.max(1, Math.min(1000, Math.floor(q.limit ?? 100))));
  return store.query<AnnotationRow>(
    `select ${COLUMNS} from annotations ${where.length ? `where ${where.join(' and ')}` : ''}
     order by occurred_at desc, id limit $${params.length}`,
    params,
  );
}
