import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createDemo } from '../../../src/demo/generate.js';
import { dashboards } from '../../../src/dashboards/definitions/index.js';
import { labelsOf, PROM_ALL } from '../../../src/dashboards/grafana/promql.js';
import { renderDashboard } from '../../../src/dashboards/grafana/render.js';
import type { DashboardSpec } from '../../../src/dashboards/model.js';
import { ensureFresh } from '../../../src/enrich/index.js';
import { ingestBatches } from '../../../src/ingest/ingest.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';
import { PrometheusExporter, promName } from '../../../src/server/prometheus.js';
import { testConfig } from '../../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../../helpers/stores.js';

const config = testConfig();
const registry = registryFor(config);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A Prometheus query as Grafana sends it: a single value regex-escaped, a custom all value raw. */
const asGrafanaSends = (expr: string, vars: Record<string, string | null>) =>
  expr.replace(/\$(\w+)/g, (m, name: string) =>
    name in vars
      ? vars[name] === null
        ? PROM_ALL
        : vars[name]!.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&')
      : m,
  );

function promtool(args: string[], cwd: string) {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every PromQL expression of the built Prometheus-flavour dashboards, with where it came from. */
function expressions(): { where: string; expr: string; vars: string[] }[] {
  return Object.values(dashboards).flatMap((spec) => {
    const d = renderDashboard(spec, { flavour: 'prometheus', registry }) as unknown as Json;
    return (d.panels as Json[]).flatMap((p) =>
      ((p.targets ?? []) as Json[]).map((t) => ({
        where: `${spec.id} / ${p.title} / ${t.refId}`,
        expr: t.expr as string,
        vars: [...spec.variables],
      })),
    );
  });
}

describe('Prometheus flavour: PromQL over the /metrics gauges', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-grafana-promql-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every panel query parses: promtool check rules on them as recording rules (variables on All and on a value)', () => {
    const exprs = expressions();
    expect(exprs.length).toBeGreaterThan(50);
    const rules = exprs.flatMap((e, i) =>
      [
        Object.fromEntries(e.vars.map((v) => [v, null])),
        Object.fromEntries(e.vars.map((v) => [v, 'pay.ments (eu)'])),
      ].map((vars, j) => ({
        record: `pitwall:grafana_panel_${i}_${j}`,
        expr: asGrafanaSends(e.expr, vars),
      })),
    );
    // Variables: Grafana's label_values(<selector>, <label>) over a PromQL selector.
    for (const spec of Object.values(dashboards))
      for (const v of (renderDashboard(spec, { flavour: 'prometheus', registry }) as unknown as Json)
        .templating.list as Json[]) {
        const m = (v.query as string).match(/^label_values\((.+), (\w+)\)$/);
        expect(m, v.query).not.toBeNull();
        rules.push({
          record: `pitwall:grafana_variable_${rules.length}`,
          expr: `count by (${m![2]}) (${m![1]})`,
        });
      }
    writeFileSync(join(dir, 'panels.yml'), stringify({ groups: [{ name: 'grafana-panels', rules }] }));
    const ok = promtool(['check', 'rules', 'panels.yml'], dir);
    expect(ok.out).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(ok.code).toBe(0);
    // The check is real: one malformed selector fails it.
    writeFileSync(
      join(dir, 'broken.yml'),
      stringify({ groups: [{ name: 'g', rules: [{ record: 'x:y', expr: 'pitwall_x{team=~"$team"' }] }] }),
    );
    expect(promtool(['check', 'rules', 'broken.yml'], dir).code).not.toBe(0);
  });

  it('picks the overall series on All, the group series for a value, and every group for a split (promtool test rules)', () => {
    const spec: DashboardSpec = {
      id: 'pitwall-test-promql',
      title: 'PromQL',
      description: '',
      variables: ['team'],
      sections: [
        {
          title: 'One',
          panels: [
            { id: 's', title: 'Lead time', kind: 'stat', metrics: ['dora.lead_time.median_hours'], width: 3 },
            {
              id: 't',
              title: 'Per team',
              kind: 'table',
              metrics: ['ci.runs.success_rate'],
              by: 'team',
              width: 9,
            },
          ],
        },
      ],
    };
    const d = renderDashboard(spec, { flavour: 'prometheus', registry }) as unknown as Json;
    const stat = (d.panels as Json[]).find((p) => p.type === 'stat')!;
    const table = (d.panels as Json[]).find((p) => p.type === 'table')!;
    const name = 'pitwall_dora_lead_time_median_hours';
    // As /metrics serves it: the overall value and one series per group, one label each.
    const input_series: { series: string; values: string }[] = [
      { series: name, values: '10x10' },
      { series: `${name}{team="payments"}`, values: '4x10' },
      { series: `${name}{team="search"}`, values: '7x10' },
      { series: `${name}{repo="demo/api"}`, values: '6x10' },
      { series: `${name}{service="api"}`, values: '5x10' },
    ];
    // A per-team column: every team's series, neither the overall one nor other splits.
    const column = table.targets[0].expr as string;
    const other = column.match(/^pitwall_\w+/)![0];
    input_series.push(
      { series: other, values: '0.9x10' },
      { series: `${other}{team="payments"}`, values: '0.8x10' },
      { series: `${other}{team="search"}`, values: '0.7x10' },
      { series: `${other}{repo="demo/api"}`, values: '0.6x10' },
    );
    const tests = [
      { expr: asGrafanaSends(stat.targets[0].expr, { team: null }), samples: [{ labels: name, value: 10 }] },
      {
        expr: asGrafanaSends(stat.targets[0].expr, { team: 'payments' }),
        samples: [{ labels: `${name}{team="payments"}`, value: 4 }],
      },
      {
        expr: column,
        samples: [
          { labels: `${other}{team="payments"}`, value: 0.8 },
          { labels: `${other}{team="search"}`, value: 0.7 },
        ],
      },
    ];
    writeFileSync(join(dir, 'empty.yml'), stringify({ groups: [] }));
    writeFileSync(
      join(dir, 'test.yml'),
      stringify({
        rule_files: ['empty.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series,
            promql_expr_test: tests.map((t) => ({ expr: t.expr, eval_time: '5m', exp_samples: t.samples })),
          },
        ],
      }),
    );
    const r = promtool(['test', 'rules', 'test.yml'], dir);
    expect(r.out, r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  describe('against the gauges /metrics serves for the demo org', () => {
    let t: TestStore;
    let page: string;
    beforeAll(async () => {
      t = await openTestStore('duckdb');
      const end = new Date('2025-03-01T00:00:00Z');
      await ingestBatches(t.store, createDemo({ developers: 16, days: 30, seed: 7, end }).batches(10_000));
      await ensureFresh(t.store, config);
      page = await new PrometheusExporter(t.store, registry, () => end).render();
    }, 300_000);
    afterAll(() => t?.cleanup());

    it('every metric a query names is a gauge on the page, and every label it selects on is one that gauge carries', () => {
      const gauges = new Set([...page.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]!));
      const labelsOn = new Map<string, Set<string>>();
      for (const m of page.matchAll(/^(pitwall_\w+)\{([^}]*)\}/gm))
        for (const l of m[2]!.matchAll(/(\w+)="/g))
          labelsOn.set(m[1]!, new Set([...(labelsOn.get(m[1]!) ?? []), l[1]!]));
      let checked = 0;
      let seen = 0;
      const defs = new Map(registry.list().map((d) => [promName(d.name), d]));
      for (const e of expressions()) {
        const [, metric, matchers = ''] = e.expr.match(/(pitwall_\w+)(?:\{([^}]*)\})?/)!;
        expect(gauges.has(metric!), `${e.where}: ${metric} is on /metrics`).toBe(true);
        for (const [, label] of matchers.matchAll(/(\w+)(?:=~|!=|=)"/g)) {
          // Only labels the exporter puts on this gauge (whether the demo has such a series or not).
          expect(labelsOf(defs.get(metric!)!), `${e.where}: ${metric} can carry ${label}`).toContain(label);
          if (labelsOn.get(metric!)?.has(label!)) seen++;
        }
        checked++;
      }
      // And the demo's page really has many of the series the queries select on.
      expect(seen).toBeGreaterThan(30);
      expect(checked).toBeGreaterThan(50);
    });
  });
});
