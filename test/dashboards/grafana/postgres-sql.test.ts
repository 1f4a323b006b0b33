import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../../src/demo/generate.js';
import { dashboards } from '../../../src/dashboards/definitions/index.js';
import { metricSql } from '../../../src/dashboards/grafana/sql.js';
import { renderDashboard } from '../../../src/dashboards/grafana/render.js';
import { ensureFresh } from '../../../src/enrich/index.js';
import { ingestBatches } from '../../../src/ingest/ingest.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';
import type { MetricValue } from '../../../src/metrics/registry/types.js';
import { testConfig } from '../../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { asGrafanaSends } from './grafana-sql.js';

/**
 * The PostgreSQL flavour's SQL, as Grafana sends it, on a real PostgreSQL holding the demo org,
 * gives the registry's values for the same window. Only PostgreSQL: it is the data source
 * Grafana queries (DuckDB is no Grafana data source).
 */
const DEMO_END = new Date('2025-03-01T00:00:00Z');
const range = { from: new Date('2025-02-01T00:00:00Z'), to: DEMO_END };
const config = testConfig();
const registry = registryFor(config);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Row = { bucket: Date | null; grp: string | null; value: number | null };

const round = (v: unknown) => (v === null || v === undefined ? null : Number(Number(v).toPrecision(10)));
const norm = (rows: { bucket: Date | null; group: string | null; value: number | null }[]) =>
  rows.map((r) => `${r.bucket ? r.bucket.toISOString() : '-'}|${r.group ?? '-'}|${round(r.value)}`).sort();

describe('PostgreSQL flavour: the registry SQL with Grafana macros on a real PostgreSQL', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('postgres');
    await ingestBatches(
      t.store,
      createDemo({ developers: 16, days: 30, seed: 7, end: DEMO_END }).batches(10_000),
    );
    await ensureFresh(t.store, config);
  }, 300_000);
  afterAll(() => t?.cleanup());

  const run = (sql: string, vars: Record<string, string | null>) =>
    t.store.query<Row>(asGrafanaSends(sql, range, vars)).then((rows) =>
      rows.map((r) => ({
        bucket: r.bucket,
        group: r.grp,
        value: r.value === null ? null : Number(r.value),
      })),
    );
  const fromRegistry = (v: MetricValue[]) =>
    v.map((r) => ({ bucket: r.bucket, group: r.group, value: r.value }));

  it('every metric, overall, per week and per team (team on All and on one team), equals registry.compute', async () => {
    let compared = 0;
    let withheld = 0;
    let filtered = 0;
    for (const def of registry.list()) {
      const vars = def.groupBy.includes('team') ? (['team'] as const) : ([] as const);
      for (const shape of [{}, { bucket: 'week' as const }, ...(vars.length ? [{ by: 'team' }] : [])]) {
        const sql = metricSql(registry, def.name, { ...shape, variables: vars });
        const expected = await registry.compute(t.store, def.name, { ...range, ...shape });
        const got = await run(sql, { team: null });
        expect(norm(got), `${def.name} ${JSON.stringify(shape)}`).toEqual(norm(fromRegistry(expected)));
        compared += expected.length;
        withheld += expected.filter((r) => r.withheld).length;
      }
      if (vars.length) {
        const teams = await registry.compute(t.store, def.name, { ...range, by: 'team' });
        const team = teams.find((r) => r.group !== null)?.group;
        if (!team) continue;
        const expected = await registry.compute(t.store, def.name, { ...range, where: { team } });
        const got = await run(metricSql(registry, def.name, { variables: vars }), { team });
        expect(norm(got), `${def.name} team=${team}`).toEqual(norm(fromRegistry(expected)));
        filtered++;
      }
    }
    // Something real was compared: values, values withheld by the privacy rule, and filters.
    expect(compared).toBeGreaterThan(500);
    expect(withheld).toBeGreaterThan(0);
    expect(filtered).toBeGreaterThan(30);
  }, 600_000);

  it("gives the same values in a session on another time zone (Grafana's connection is not pinned to UTC)", async () => {
    const c = new pg.Client({
      connectionString: t.config.databaseUrl,
      options: '-c TimeZone=Pacific/Auckland',
    });
    await c.connect();
    try {
      const [{ tz }] = (await c.query<{ tz: string }>("select current_setting('TimeZone') as tz")).rows as [
        { tz: string },
      ];
      expect(tz).toBe('Pacific/Auckland');
      let compared = 0;
      for (const def of registry.list())
        for (const shape of [{}, { bucket: 'week' as const }]) {
          const sql = asGrafanaSends(metricSql(registry, def.name, { ...shape, variables: [] }), range, {});
          // Buckets as text: the driver would read a timestamp in this process's zone.
          const got = (
            await c.query<{ b: string | null; grp: string | null; value: number | null }>(
              `select to_char(bucket, 'YYYY-MM-DD"T"HH24:MI:SS') as b, grp, value from (${sql}) g`,
            )
          ).rows.map((r) => `${r.b ?? '-'}|${r.grp ?? '-'}|${round(r.value)}`);
          const want = (await registry.compute(t.store, def.name, { ...range, ...shape })).map(
            (r) =>
              `${r.bucket ? r.bucket.toISOString().slice(0, 19) : '-'}|${r.group ?? '-'}|${round(r.value)}`,
          );
          expect(got.sort(), `${def.name} ${JSON.stringify(shape)}`).toEqual(want.sort());
          compared += want.length;
        }
      expect(compared).toBeGreaterThan(300);
    } finally {
      await c.end();
    }
  }, 600_000);

  it("every panel query of the built dashboards runs and shows the registry's values", async () => {
    let queries = 0;
    for (const spec of Object.values(dashboards)) {
      const d = renderDashboard(spec, { flavour: 'postgres', registry }) as unknown as Json;
      const panels = (d.panels as Json[]).filter((p) => p.type !== 'row' && p.type !== 'text');
      const specPanels = spec.sections.flatMap((s) => s.panels).filter((p) => p.kind !== 'note');
      expect(panels.length).toBe(specPanels.length);
      for (const [i, p] of panels.entries()) {
        const sp = specPanels[i]!;
        for (const [j, target] of (p.targets as Json[]).entries()) {
          const metric = sp.metrics[j]!;
          const sql = asGrafanaSends(
            target.rawSql,
            range,
            Object.fromEntries(spec.variables.map((v) => [v, null])),
          );
          const rows = await t.store.query<Record<string, unknown>>(sql);
          queries++;
          const req = {
            ...range,
            ...(sp.kind === 'timeseries' ? { bucket: sp.bucket ?? 'week' } : {}),
            ...(sp.kind !== 'stat' && sp.by ? { by: sp.by } : {}),
          };
          const expected = await registry.compute(t.store, metric, req);
          const what = `${spec.id} / ${sp.title} / ${metric}`;
          if (sp.kind === 'stat') {
            expect(
              rows.map((r) => round(Object.values(r)[0])),
              what,
            ).toEqual(expected.map((r) => round(r.value)));
          } else if (sp.kind === 'timeseries') {
            expect(target.format).toBe('time_series');
            const got = rows.map((r) => `${(r.time as Date).toISOString()}|${round(r.value)}`).sort();
            const want = expected
              .filter((r) => r.bucket)
              .map((r) => `${r.bucket!.toISOString()}|${round(r.value)}`)
              .sort();
            expect(got, what).toEqual(want);
          } else {
            const got = rows
              .map((r) => `${Object.values(r)[0] as string}|${round(Object.values(r)[1])}`)
              .sort();
            const want = expected
              .filter((r) => r.group !== null)
              .map((r) => `${r.group}|${round(r.value)}`)
              .sort();
            expect(got, what).toEqual(want);
          }
        }
      }
      for (const v of d.templating.list as Json[]) {
        const options = await t.store.query<Record<string, unknown>>(v.query);
        expect(options.length, `${spec.id} variable ${v.name}`).toBeGreaterThan(0);
      }
    }
    expect(queries).toBeGreaterThan(50);
  }, 600_000);
});
