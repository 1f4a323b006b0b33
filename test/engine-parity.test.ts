import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from './helpers/stores.js';
import { combos, diffDeep, diffRowSets, eachLimit, explanationParts as parts } from './helpers/parity.js';
import { loadConfig } from '../src/config/load.js';
import { createDemo } from '../src/demo/generate.js';
import { recordKinds } from '../src/domain/records.js';
import { ensureFresh } from '../src/enrich/index.js';
import { ingest } from '../src/ingest/ingest.js';
import { registryFor } from '../src/metrics/definitions/index.js';
import { explainMetric } from '../src/metrics/registry/registry.js';
import type { MetricDefinition } from '../src/metrics/registry/types.js';
import { buildReport } from '../src/report/build.js';
import { ciStages } from '../src/report/ci-stages.js';
import { doraSummary } from '../src/report/dora.js';
import { computeDxi } from '../src/report/dxi.js';
import { buildHeadline } from '../src/report/headline.js';
import { queueHeatmap } from '../src/report/queue-heatmap.js';
import type { Store } from '../src/store/store.js';

/**
 * DuckDB and PostgreSQL share one SQL dialect, so the same demo organisation must give the same
 * numbers on both: every metric over buckets, group-bys and filters, every explain, the reports.
 *
 * The PostgreSQL database is set up as servers often are, not as the test cluster is: a
 * natural-language collation that ignores punctuation (like glibc's en_US.UTF-8) and a time zone
 * far from UTC; the process runs in another zone too. The organisation is small (seconds to
 * load) but holds every record kind the metrics read; the window ends on a Thursday so weeks and
 * months are cut at both ends.
 */
const config = loadConfig({ cwd: '/nonexistent', env: {} });
const registry = registryFor(config);
const OPTIONS = { developers: 12, days: 45, seed: 1, end: new Date('2026-10-08T00:00:00Z') };
const POSTGRES = { icuLocale: 'en-US-u-ka-shifted', timeZone: 'Pacific/Auckland' };
const PROCESS_TZ = 'America/Los_Angeles';
const EVERY_ROW = 1_000_000;
const CLI_LIMIT = 50;
/** About 2,000 comparisons: a minute or so on two cores, far longer when the machine is busy. */
const SWEEP_TIMEOUT = 900_000;
/** Tags are collected from git but the demo makes none, and no metric or enrichment reads them. */
const NOT_IN_DEMO = new Set(['tags', 'host_facts', 'metric_sketches']);
/**
 * Zero on both engines, so compared on nothing: the demo lands reverts and hotfixes as direct
 * commits, never as PRs, and no PR of it stays open 14 days.
 */
const ALL_ZERO = [
  // 12 developers: every editor and language's suggestions are over fewer than 5 people, so none
  // are stored (test/copilot holds the rate to hand-counted values on both engines).
  'copilot.completions.acceptance_rate',
  'github.code.hotfixes',
  'github.code.revert_rate',
  'github.code.reverts',
  'github.prs.stale_count_14d',
  // The demo's PRs are all reviewed within their team (test/space/ground-truth.test.ts holds it to 0).
  'space.prs.cross_team_share',
];
const NO_ROWS = ['github.code.hotfixes', 'github.code.reverts'];

type Side = { duck: Store; pg: Store };

const problems: string[] = [];
let compared = 0;

/** Runs `read` on both engines; one side failing is a problem like a differing value. */
async function both<T>(what: string, s: Side, read: (store: Store) => Promise<T>): Promise<[T, T] | null> {
  const [a, b] = await Promise.allSettled([read(s.duck), read(s.pg)]);
  compared++;
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  const why = (r: PromiseSettledResult<T>) => (r.status === 'rejected' ? `error ${String(r.reason)}` : 'ok');
  problems.push(`${what}\n  duckdb: ${why(a)}\n  postgres: ${why(b)}`);
  return null;
}

const report = (what: string, diffs: string[]) => {
  if (diffs.length) problems.push(`${what}\n  ${diffs.join('\n  ')}`);
};

/** One assertion; its message names every combination that differed (the first 25 in full). */
const expectNoProblems = () =>
  expect(
    problems.length,
    `${problems.length} differences between DuckDB and PostgreSQL:\n\n${problems.slice(0, 25).join('\n\n')}\n`,
  ).toBe(0);

describe('DuckDB and PostgreSQL agree on the demo organisation', { timeout: SWEEP_TIMEOUT }, () => {
  let duck: TestStore;
  let pg: TestStore;
  let s: Side;
  let window: { from: Date; to: Date };
  const processTz = process.env.TZ;
  const filterCache = new Map<string, Promise<Record<string, string>[]>>();

  /** Per group-by, one value the metric reports (the middle one), so each filter keeps real rows. */
  const filterValues = (def: MetricDefinition) => {
    if (!filterCache.has(def.name))
      filterCache.set(
        def.name,
        Promise.all(
          def.groupBy.map(async (by) => {
            const rows = await registry.compute(s.pg, def.name, { ...window, by });
            const groups = rows.filter((r) => r.group !== null && r.value !== null).map((r) => r.group!);
            const pick = groups.sort()[Math.floor(groups.length / 2)];
            return pick === undefined ? [] : [{ [by]: pick }];
          }),
        ).then((x) => x.flat()),
      );
    return filterCache.get(def.name)!;
  };

  beforeAll(async () => {
    process.env.TZ = PROCESS_TZ;
    [duck, pg] = await Promise.all([openTestStore('duckdb'), openTestStore('postgres', POSTGRES)]);
    s = { duck: duck.store, pg: pg.store };
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) await Promise.all([ingest(s.duck, batch), ingest(s.pg, batch)]);
    await Promise.all([ensureFresh(s.duck, config), ensureFresh(s.pg, config)]);
    window = { from: new Date(demo.truth.window.from), to: new Date(demo.truth.window.to) };
  });
  afterAll(async () => {
    if (processTz === undefined) delete process.env.TZ;
    else process.env.TZ = processTz;
    await Promise.all([duck?.cleanup(), pg?.cleanup()]);
  });
  beforeEach(() => {
    problems.length = 0;
    compared = 0;
  });

  it('holds the same rows of every record kind on both engines, under the settings asked for', async () => {
    // The database's own default is the far zone; the store pins its sessions to UTC over it.
    const [db] = await s.pg.query<{ c: string }>(
      `select array_to_string(setconfig, ',') as c from pg_db_role_setting r
       join pg_database d on d.oid = r.setdatabase where d.datname = current_database()`,
    );
    expect(db!.c.toLowerCase()).toContain(`timezone=${POSTGRES.timeZone.toLowerCase()}`);
    const [zone] = await s.pg.query<{ tz: string }>(`select current_setting('TimeZone') as tz`);
    expect(zone!.tz).toBe('UTC');
    // Punctuation is ignored first: a binary (C) collation would put 'a-c' first.
    const [order] = await s.pg.query<{ o: string }>(
      `select string_agg(x, ',' order by x) as o from (select 'a-c' as x union all select 'ab') t`,
    );
    expect(order!.o).toBe('ab,a-c');
    for (const { table } of Object.values(recordKinds)) {
      const pair = await both(`count ${table}`, s, (st) =>
        st.query<{ n: number }>(`select count(*) as n from ${table}`),
      );
      const [a, b] = pair!.map((r) => r[0]!.n);
      expect(a, table).toBe(b);
      if (!NOT_IN_DEMO.has(table)) expect(a, `${table} is empty in the demo`).toBeGreaterThan(0);
    }
  });

  it('every metric over buckets, group-bys and filters gives equal values, in equal order', async () => {
    const empty: string[] = [];
    await eachLimit(registry.list(), 2, async (def) => {
      let values = 0;
      for (const { bucket, by, where } of combos(def, [undefined, ...(await filterValues(def))])) {
        const what = `${def.name} bucket=${bucket ?? 'none'} by=${by ?? 'none'} filter=${where ? JSON.stringify(where) : 'none'}`;
        const pair = await both(what, s, (st) =>
          registry.compute(st, def.name, { ...window, bucket, by, where }),
        );
        if (!pair) continue;
        const [a, b] = pair;
        values += a.filter((r) => r.value !== null && r.value !== 0).length;
        const diffs = diffRowSets(a, b, ['bucket', 'group'], 4);
        if (a.some((r) => r.value !== null && !Number.isFinite(r.value))) diffs.push('a value is not finite');
        if (!bucket && !by && !where && a.length !== 1)
          diffs.push(`the whole window gave ${a.length} rows, not 1`);
        // Values come ordered by bucket and group: the order is part of the answer a user sees.
        const order = (rs: typeof a) => rs.map((r) => `${r.bucket?.toISOString()} ${r.group}`);
        if (!diffs.length && order(a).join('\n') !== order(b).join('\n'))
          diffs.push(
            `row order differs:\n    duckdb   ${order(a).join(' | ')}\n    postgres ${order(b).join(' | ')}`,
          );
        report(what, diffs);
      }
      if (!values) empty.push(def.name);
    });
    expectNoProblems();
    // A metric with no value but zero in any combination was compared on nothing.
    expect(empty.sort(), 'metrics without a value on the demo organisation').toEqual(ALL_ZERO);
    expect(compared).toBeGreaterThan(1500);
  });

  it('every explain lists the same rows: all of them as a set, the first 50 in order, filtered too', async () => {
    const defs = registry.list().filter((d) => d.explain || 'facts' in d);
    // Only the open-PR gauges have no rows of their own to list (a PR open at an instant).
    const unexplained = registry.list().filter((d) => !defs.includes(d));
    expect(unexplained.map((d) => d.name).sort()).toEqual(['github.prs.open', 'github.prs.stale_count_14d']);
    const noRows: string[] = [];
    await eachLimit(defs, 2, async (def) => {
      const index = defs.indexOf(def);
      const all = await both(`explain ${def.name} every row`, s, (st) =>
        explainMetric(st, registry, def.name, { ...window, limit: EVERY_ROW }),
      );
      if (all) {
        const [a, b] = [parts(all[0]), parts(all[1])];
        // A personal metric lists no rows by design (docs/privacy.md): only the counts are compared.
        if (!a.rows.length && !def.personal) noRows.push(def.name);
        report(`explain ${def.name} every row`, [
          ...diffDeep(a.rest, b.rest, '', [], 4),
          ...diffRowSets(a.rows, b.rows, ['ts'], 4),
          ...diffRowSets(a.leftOut, b.leftOut, ['ts'], 4),
        ]);
      }
      // The CLI shows the first 50 rows: which 50, and their order, must not depend on the engine.
      // Filtered too, by one group-by per metric in turn (the values sweep filters by each).
      const groups: [string | null, string | null][] = [[null, null]];
      const filters = await filterValues(def);
      if (filters.length) groups.push(Object.entries(filters[index % filters.length]!)[0]!);
      for (const [by, group] of groups) {
        const what = `explain ${def.name} first ${CLI_LIMIT} by=${by ?? 'none'} group=${group ?? 'none'}`;
        const pair = await both(what, s, (st) =>
          explainMetric(st, registry, def.name, { ...window, by, group, limit: CLI_LIMIT }),
        );
        if (pair) report(what, diffDeep(pair[0], pair[1], '', [], 4));
      }
    });
    expectNoProblems();
    expect(noRows.sort(), 'explains without rows on the demo organisation').toEqual(NO_ROWS);
  });

  it('the report, DORA summary and the other presenters are equal, in their own order', async () => {
    const presenters: [string, (st: Store) => Promise<unknown>][] = [
      ['ci stages', (st) => ciStages(st, registry, window)],
      ['dxi', (st) => computeDxi(st, registry, window)],
      ['headline', (st) => buildHeadline(st, registry, window)],
      ['queue heatmap', (st) => queueHeatmap(st, registry, window)],
    ];
    // The report groups every metric allowing it (team, repo) or only DORA's (service).
    for (const by of [null, 'team', 'service'])
      presenters.push([`report by=${by}`, (st) => buildReport(st, registry, config, { ...window, by })]);
    for (const by of [null, 'team', 'repo', 'service'])
      presenters.push([
        `dora summary by=${by}`,
        (st) => doraSummary(st, registry, config, { ...window, by }),
      ]);
    for (const [what, read] of presenters) {
      const pair = await both(what, s, read);
      if (pair) report(what, diffDeep(pair[0], pair[1], '', [], 8));
    }
    expectNoProblems();
  });
});
