import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createDemo } from '../../src/demo/generate.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest, ingestBatches } from '../../src/ingest/ingest.js';
import type { MetricValue } from '../../src/metrics/registry/types.js';
import { LABEL_GROUPS, MAX_SERIES_PER_METRIC, promName, withheldName } from '../../src/server/prometheus.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { DEMO_END, silent } from '../server/setup.js';
import { startPrometheus, type PrometheusProcess, type Sample } from './prometheus-process.js';

const JOB = 'pitwall';
/** A workflow name with every character the text format must escape in a label value. */
const ODD_WORKFLOW = 'deploy "prod" \\ eu\nsecond line';
const FROM = new Date(DEMO_END.getTime() - 30 * 86_400_000);

/** The label set a registry value becomes on /metrics: its group's label, or none. */
const key = (labels: Record<string, string>) =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([k]) => (LABEL_GROUPS as readonly string[]).includes(k))
      .sort(),
  );

describe.each(ENGINES)('a real Prometheus scraping pitwall /metrics on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let prom: PrometheusProcess;
  let config: Config;
  let scrapedAt: number;
  const query = (promql: string) => prom.query(promql, scrapedAt);

  beforeAll(async () => {
    t = await openTestStore(engine);
    const base = testConfig();
    // The small demo's two teams have 8 people each: with 9, their personal values are withheld
    // and the organisation's (16 people) are not.
    config = { ...base, privacy: { ...base.privacy, min_group_size: 9 } } as Config;
    await ingestBatches(
      t.store,
      createDemo({ developers: 16, days: 30, seed: 7, end: DEMO_END }).batches(10_000),
    );
    await ingest(t.store, [
      {
        kind: 'pipeline_run',
        repo: 'demo/payments-api',
        run_id: 'label-escaping-1',
        workflow: ODD_WORKFLOW,
        created_at: '2025-02-20T10:00:00Z',
        started_at: '2025-02-20T10:01:00Z',
        completed_at: '2025-02-20T10:11:00Z',
        conclusion: 'success',
      },
    ]);
    await ensureFresh(t.store, config);
    server = await startServer({
      store: t.store,
      config,
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      schedule: false,
      clock: () => DEMO_END,
    });
    const token = (await server.ctx.tokens.create('prometheus', ['read'])).token;
    // A first render fills the page's cache, so Prometheus's scrapes answer within their timeout.
    const warm = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(warm.status).toBe(200);
    await warm.text();
    prom = await startPrometheus({ job: JOB, target: new URL(server.url).host, token });
    // Every query reads this completed scrape: on a loaded machine a later scrape may rebuild the
    // page past its timeout, and its failure would mark the series stale from then on.
    scrapedAt = await prom.waitForScrape(JOB);
  }, 240_000);

  afterAll(async () => {
    await prom?.stop();
    await server?.close();
    await t?.cleanup();
  });

  /** The registry's values as /metrics publishes them: label set -> value, and what it withholds. */
  async function expected(name: string) {
    const def = server.ctx.registry.get(name);
    const values = new Map<string, number>();
    const withheld = new Set<string>();
    const take = (labels: Record<string, string>, v: MetricValue) => {
      if (v.withheld) withheld.add(key(labels));
      else if (v.value !== null) values.set(key(labels), v.value);
    };
    const [overall] = await server.ctx.registry.compute(server.ctx.store, name, { from: FROM, to: DEMO_END });
    if (overall) take({}, overall);
    for (const g of LABEL_GROUPS.filter((x) => def.groupBy.includes(x)))
      for (const v of await server.ctx.registry.compute(server.ctx.store, name, {
        from: FROM,
        to: DEMO_END,
        by: g,
      }))
        if (v.group !== null) take({ [g]: v.group }, v);
    return { values, withheld };
  }

  const scraped = (samples: Sample[]) => new Map(samples.map((s) => [key(s.metric), s.value]));
  /**
   * 12 significant digits: the test's own compute may add the same values in another order than
   * the scraped one did and differ in the last bits, which is not a difference in the answer.
   */
  const r12 = (v: number | undefined) => (v === undefined ? v : Number(v.toPrecision(12)));

  it('has scraped the page: up is 1 and every registry metric has a gauge', async () => {
    const up = await query(`up{job="${JOB}"}`);
    expect(up.map((s) => s.value)).toEqual([1]);
    const names = new Set(
      (await query(`count by (__name__) ({job="${JOB}", __name__=~"pitwall_.+"})`)).map(
        (s) => s.metric.__name__,
      ),
    );
    const withValues = [];
    for (const def of server.ctx.registry.list())
      if ((await expected(def.name)).values.size) withValues.push(promName(def.name));
    expect(withValues.length).toBeGreaterThan(20);
    expect(withValues.filter((n) => !names.has(n))).toEqual([]);
  });

  it('answers PromQL with the registry value of every metric, ungrouped and per team, repo, service, workflow', async () => {
    let compared = 0;
    let grouped = 0;
    for (const def of server.ctx.registry.list()) {
      const want = await expected(def.name);
      const got = scraped(await query(promName(def.name)));
      // Every series Prometheus holds is the registry's value for that label set, exactly.
      for (const [labels, v] of got) {
        expect({ metric: def.name, labels, v: r12(v) }).toEqual({
          metric: def.name,
          labels,
          v: r12(want.values.get(labels)),
        });
        compared++;
        if (labels !== '[]') grouped++;
      }
      // The page keeps the largest groups only past its cap; below it every value is there.
      if (want.values.size <= MAX_SERIES_PER_METRIC)
        expect({ metric: def.name, series: [...got.keys()].sort() }).toEqual({
          metric: def.name,
          series: [...want.values.keys()].sort(),
        });
    }
    expect(compared).toBeGreaterThan(50);
    expect(grouped).toBeGreaterThan(20);
  });

  it('answers an instant query for one group, and aggregations over the groups', async () => {
    const def = server.ctx.registry
      .list()
      .find((d) => d.groupBy.includes('team') && !d.personal && d.name.startsWith('github.'))!;
    const rows = (
      await server.ctx.registry.compute(server.ctx.store, def.name, { from: FROM, to: DEMO_END, by: 'team' })
    ).filter((r) => r.group !== null && r.value !== null);
    expect(rows.length).toBeGreaterThan(1);
    const one = rows[0]!;
    const [s] = await query(`${promName(def.name)}{team="${one.group}"}`);
    expect(r12(s?.value)).toBe(r12(one.value!));
    const [n] = await query(`count(${promName(def.name)}{team!=""})`);
    expect(n?.value).toBe(rows.length);
    const [max] = await query(`max(${promName(def.name)}{team!=""})`);
    expect(r12(max?.value)).toBe(r12(Math.max(...rows.map((r) => r.value!))));
    // The ungrouped series is the one with no group label.
    const [overall] = await server.ctx.registry.compute(server.ctx.store, def.name, {
      from: FROM,
      to: DEMO_END,
    });
    const [u] = await query(`${promName(def.name)}{team="",repo="",service="",workflow=""}`);
    expect(r12(u?.value)).toBe(r12(overall!.value!));
  });

  it('keeps a label value with quotes, a backslash and a newline exactly (text-format escaping)', async () => {
    const rows = await server.ctx.registry.compute(server.ctx.store, 'ci.runs.count', {
      from: FROM,
      to: DEMO_END,
      by: 'workflow',
    });
    const mine = rows.find((r) => r.group === ODD_WORKFLOW);
    expect(mine?.value).toBe(1);
    // A PromQL string literal takes Go's escapes, which JSON's are for these characters.
    const got = await query(`pitwall_ci_runs_count{workflow=${JSON.stringify(ODD_WORKFLOW)}}`);
    expect(got).toEqual([
      { metric: expect.objectContaining({ workflow: ODD_WORKFLOW }), value: 1, at: scrapedAt },
    ]);
  });

  it('never holds a withheld personal series, and counts them in the _withheld gauge', async () => {
    let absent = 0;
    for (const def of server.ctx.registry.list().filter((d) => d.personal)) {
      const want = await expected(def.name);
      const got = scraped(await query(promName(def.name)));
      for (const labels of want.withheld) {
        expect({ metric: def.name, labels, present: got.has(labels) }).toEqual({
          metric: def.name,
          labels,
          present: false,
        });
        absent++;
      }
      const [w] = await query(withheldName(def.name));
      expect({ metric: def.name, withheld: w?.value }).toEqual({
        metric: def.name,
        withheld: want.withheld.size,
      });
    }
    expect(absent).toBeGreaterThan(0);
  });
});
