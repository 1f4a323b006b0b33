import { queryOnce, type TestStore } from '../helpers/stores.js';

export type Point = { name: string; value: number; tags: Record<string, string> };

/** Every health.* point in the store, tags parsed. */
export async function healthPoints(t: TestStore): Promise<Point[]> {
  const rows = await queryOnce<{ name: string; value: number; tags: unknown }>(
    t,
    `select name, value, tags from metric_points where name like 'health.%' order by name`,
  );
  return rows.map((r) => ({ name: r.name, value: Number(r.value), tags: JSON.parse(String(r.tags)) }));
}

/** name -> value for one service's points. */
export const of = (points: Point[], service: string) =>
  Object.fromEntries(points.filter((p) => p.tags.service === service).map((p) => [p.name, p.value]));
