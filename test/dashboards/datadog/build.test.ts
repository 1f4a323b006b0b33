import { describe, expect, it } from 'vitest';
import { coreConfigSchema, type Config } from '../../../src/config/schema.js';
import { buildDatadogDashboard, unexportedGroupBys } from '../../../src/dashboards/datadog/build.js';
import { stableIdOf } from '../../../src/dashboards/datadog/stable-id.js';
import { DASHBOARD_KEYS, dashboards } from '../../../src/dashboards/definitions/index.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';
import { bodyProblems } from './server.js';

const defaults = coreConfigSchema.parse({}) as Config;
const registry = registryFor(defaults);
type W = {
  definition: Record<string, unknown> & { widgets?: W[]; requests?: Record<string, unknown>[] };
  layout?: { x: number; width: number };
};
const leaves = (ws: W[]): W[] =>
  ws.flatMap((w) => (w.definition.widgets ? leaves(w.definition.widgets) : [w]));
const find = (ws: W[], title: string) => leaves(ws).find((w) => w.definition['title'] === title)!;

describe('Datadog dashboard build', () => {
  for (const key of DASHBOARD_KEYS) {
    it(`${key}: the client's models accept it; one group per section, laid out on 12 columns`, () => {
      const spec = dashboards[key];
      const d = buildDatadogDashboard(spec, registry);
      expect(bodyProblems(d)).toEqual([]);
      expect(d['layout_type']).toBe('ordered');
      expect(d.widgets.map((w) => w.definition['title'])).toEqual(spec.sections.map((s) => s.title));
      for (const w of leaves(d.widgets as W[])) expect(w.layout!.x + w.layout!.width).toBeLessThanOrEqual(12);
      expect(stableIdOf(d.description)).toBe(spec.id);
    });
  }

  it('reads the overall series for a number and one group family for a breakdown', () => {
    const d = buildDatadogDashboard(dashboards.platform, registry);
    const p90 = find(d.widgets as W[], 'CI run duration (p90)');
    const q = (p90.definition.requests![0]!['queries'] as { query: string }[])[0]!.query;
    expect(q).toBe('avg:ci.runs.duration_p90_minutes{!repo:*,!team:*,!workflow:*}');
    const top = find(d.widgets as W[], 'Runner queue p95 by workflow');
    expect(top.definition['type']).toBe('toplist');
    expect((top.definition.requests![0]!['queries'] as { query: string }[])[0]!.query).toBe(
      'avg:ci.jobs.queue_p95_seconds{!repo:*,!team:*,workflow:*} by {workflow}',
    );
  });

  it('sums counts per bucket and averages the rest', () => {
    const d = buildDatadogDashboard(dashboards.testenv, registry);
    const perDay = find(d.widgets as W[], 'Provisions per day');
    expect((perDay.definition.requests![0]!['queries'] as { query: string }[])[0]!.query).toBe(
      'sum:testenv.provision.count{!repo:*,!team:*,!failure:*,!ci_complete:*}.as_count().rollup(sum, 86400)',
    );
  });

  it("the team dashboard's variable picks the team's series", () => {
    const d = buildDatadogDashboard(dashboards.team, registry);
    expect(d['template_variables']).toEqual([
      { name: 'team', prefix: 'team', available_values: [], defaults: ['*'] },
    ]);
    const cycle = find(d.widgets as W[], 'PR cycle time (median)');
    expect((cycle.definition.requests![0]!['queries'] as { query: string }[])[0]!.query).toBe(
      'avg:github.prs.cycle_time_hours{!repo:*,team:$team.value}',
    );
  });

  it('colours numbers by the thresholds of the configured registry, ratios as percent', () => {
    const overridden = registryFor({
      ...defaults,
      metrics: { ...defaults.metrics, thresholds: { 'ci.runs.success_rate': { green: 0.99, yellow: 0.9 } } },
    } as Config);
    const rate = (reg: typeof registry) =>
      find(buildDatadogDashboard(dashboards.platform, reg).widgets as W[], 'CI success rate').definition
        .requests![0]!;
    expect(rate(registry)['conditional_formats']).toEqual([
      { comparator: '>=', value: 95, palette: 'white_on_green' },
      { comparator: '>=', value: 85, palette: 'white_on_yellow' },
      { comparator: '<', value: 85, palette: 'white_on_red' },
    ]);
    expect((rate(overridden)['conditional_formats'] as { value: number }[]).map((c) => c.value)).toEqual([
      99, 90, 90,
    ]);
    expect(rate(registry)['formulas']).toMatchObject([
      { formula: 'query1 * 100', number_format: { unit: { type: 'canonical_unit', unit_name: 'percent' } } },
    ]);
  });

  it('names the panels grouped by something the exporter does not send as a tag', () => {
    expect(unexportedGroupBys(dashboards.team)).toContain(
      'bars-local-commands-hours-per-week-by-category (by category)',
    );
    // Seed 003's breakdowns (phase, failure, CI finished) are exported groups.
    expect(unexportedGroupBys(dashboards.testenv)).toEqual([]);
    expect(unexportedGroupBys(dashboards.executive)).toEqual([]);
  });
});
