import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../../src/demo/generate.js';
import { dashboards } from '../../../src/dashboards/definitions/index.js';
import { PROM_ALL } from '../../../src/dashboards/grafana/promql.js';
import { renderDashboard } from '../../../src/dashboards/grafana/render.js';
import { ensureFresh } from '../../../src/enrich/index.js';
import { countsToZero } from '../../../src/metrics/registry/registry.js';
import { ingestBatches } from '../../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../../src/server/server.js';
import { testConfig } from '../../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';
import { startPrometheus, type PrometheusProcess } from '../../prometheus/prometheus-process.js';
import { DEMO_END, silent } from '../../server/setup.js';

/**
 * The Prometheus flavour's panel queries, as Grafana sends them, on Debian's real Prometheus
 * scraping a real `pitwall serve` on the demo org: each number is the registry's value over
 * the 30 days /metrics covers. One engine: /metrics is the registry's answer on either, and the
 * scrape test (test/prometheus) holds the two engines to the same page.
 */
const FROM = new Date(DEMO_END.getTime() - 30 * 86_400_000);
const config = testConfig();
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const r9 = (v: number | null | undefined) =>
  v === null || v === undefined ? null : Number(v.toPrecision(9));
const send = (expr: string, vars: Record<string, string | null>) =>
  expr.replace(/\$(\w+)/g, (m, n: string) => (n in vars ? (vars[n] ?? PROM_ALL) : m));

describe('Grafana on Prometheus: panel queries on a real Prometheus scraping Pitwall', () => {
  let t: TestStore;
  let server: RunningServer;
  let prom: PrometheusProcess;
  let at: number;

  beforeAll(async () => {
    t = await openTestStore('duckdb');
    await ingestBatches(
      t.store,
      createDemo({ developers: 16, days: 30, seed: 7, end: DEMO_END }).batches(10_000),
    );
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
    const warm = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(warm.status).toBe(200);
    await warm.text();
    prom = await startPrometheus({ job: 'pitwall', target: new URL(server.url).host, token });
    at = await prom.waitForScrape('pitwall');
  }, 240_000);
  afterAll(async () => {
    await prom?.stop();
    await server?.close();
    await t?.cleanup();
  });

  it("every number and per-group panel shows the registry's values (variables on All, and the team dashboard on one team)", async () => {
    const registry = server.ctx.registry;
    let compared = 0;
    for (const spec of Object.values(dashboards)) {
      const d = renderDashboard(spec, { flavour: 'prometheus', registry }) as unknown as Json;
      const specPanels = spec.sections.flatMap((s) => s.panels).filter((p) => p.kind !== 'note');
      const panels = (d.panels as Json[]).filter((p) => p.type !== 'row' && p.type !== 'text');
      const teams = spec.variables.includes('team') ? [null, 'payments'] : [null];
      for (const [i, p] of panels.entries()) {
        const sp = specPanels[i]!;
        if (sp.kind === 'timeseries') continue;
        for (const [j, target] of (p.targets as Json[]).entries()) {
          const name = sp.metrics[j]!;
          const def = registry.get(name);
          const split = sp.kind !== 'stat' && sp.by && target.expr.includes(`${sp.by}!=""`) ? sp.by : null;
          for (const team of split ? [null] : teams) {
            const got = await prom.query(send(target.expr, { team }), at);
            // One team's number is its by-team value, the series /metrics publishes for it.
            const byTeam = Boolean(team && def.groupBy.includes('team'));
            const all = await registry.compute(server.ctx.store, name, {
              from: FROM,
              to: DEMO_END,
              ...(split ? { by: split } : byTeam ? { by: 'team' } : {}),
            });
            const want = byTeam ? all.filter((v) => v.group === team) : all;
            // A count with no series for the group is 0 (`or on() vector(0)`), as the registry counts nothing.
            if (byTeam && !want.length && countsToZero(def))
              want.push({ bucket: null, group: team, value: 0 });
            const what = `${spec.id} / ${sp.title} / ${name}${team ? ` team=${team}` : ''}`;
            if (split) {
              const wanted = want
                .filter((v) => v.group !== null && v.value !== null)
                .map((v) => `${v.group}=${r9(v.value)}`);
              // /metrics keeps at most 50 series per metric, so a split shows the largest groups.
              expect(
                got.map((s) => `${s.metric[split]}=${r9(s.value)}`).every((x) => wanted.includes(x)),
                what,
              ).toBe(true);
              if (wanted.length) expect(got.length, what).toBeGreaterThan(0);
              // Teams come first on the page, so a by-team split is never cut.
              if (split === 'team') expect(got.length, what).toBe(wanted.length);
            } else {
              const v = want[0]?.value ?? null;
              expect(
                got.map((s) => r9(s.value)),
                what,
              ).toEqual(v === null ? [] : [r9(v)]);
            }
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(60);
  }, 300_000);
});
