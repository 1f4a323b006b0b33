import { defaultDashboard } from '@grafana/schema';
import { describe, expect, it } from 'vitest';
import { dashboards } from '../../../src/dashboards/definitions/index.js';
import { renderDashboard } from '../../../src/dashboards/grafana/render.js';
import type { Flavour } from '../../../src/dashboards/grafana/panels.js';
import type { DashboardSpec } from '../../../src/dashboards/model.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';
import { testConfig } from '../../helpers/collect-git.js';
import { conform, dashboardType, panelType, PANEL_TYPES } from './schema.js';

const registry = registryFor(testConfig());
const FLAVOURS: Flavour[] = ['prometheus', 'postgres'];

/** Every panel kind and option of the model, on metrics of several units and directions. */
const everyKind: DashboardSpec = {
  id: 'pitwall-test-every-kind',
  title: 'Every kind',
  description: 'One of each panel kind',
  variables: ['team', 'repo', 'service', 'env', 'workflow'],
  sections: [
    {
      title: 'Numbers',
      panels: [
        { id: 'a', title: 'Lead time', kind: 'stat', metrics: ['dora.lead_time.median_hours'], width: 3 },
        {
          id: 'b',
          title: 'CI p50 and p90',
          kind: 'stat',
          metrics: ['ci.runs.duration_p50_minutes', 'ci.runs.duration_p90_minutes'],
          width: 3,
        },
        { id: 'c', title: 'NPS', kind: 'stat', metrics: ['dx.survey.nps'], width: 6 },
        { id: 'n', title: 'About', kind: 'note', metrics: [], width: 12, text: '**Read me**' },
      ],
    },
    {
      title: 'Over time',
      panels: [
        {
          id: 'd',
          title: 'Lead time weekly',
          kind: 'timeseries',
          metrics: ['dora.lead_time.median_hours'],
          bucket: 'week',
          width: 6,
        },
        {
          id: 'e',
          title: 'CI by workflow',
          kind: 'timeseries',
          metrics: ['ci.runs.duration_p50_minutes', 'ci.runs.duration_p90_minutes'],
          by: 'workflow',
          bucket: 'day',
          labels: ['p50', 'p90'],
          stacked: true,
          width: 6,
        },
        {
          id: 'f',
          title: 'Deploys by team',
          kind: 'bars',
          metrics: ['dora.deploys.count'],
          by: 'team',
          width: 5,
        },
        {
          id: 'g',
          title: 'Per team',
          kind: 'table',
          metrics: ['dora.lead_time.median_hours', 'dora.change_failure.rate', 'dx.survey.nps'],
          by: 'team',
          width: 7,
        },
      ],
    },
  ],
};

const SPECS: [string, DashboardSpec][] = [...Object.entries(dashboards), ['every-kind', everyKind]];
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const built = (spec: DashboardSpec, flavour: Flavour) =>
  renderDashboard(spec, { flavour, registry }) as unknown as Json;

/** Everything @grafana/schema says about one built dashboard, plus the grid's own rules. */
function problems(d: Json): string[] {
  const out = conform(d, dashboardType('Dashboard'));
  const ids = new Set<number>();
  const boxes: { id: number; x: number; y: number; w: number; h: number }[] = [];
  for (const p of d.panels as Json[]) {
    if (p.type !== 'row' && !PANEL_TYPES.includes(p.type)) out.push(`panel ${p.id}: unknown type ${p.type}`);
    if (ids.has(p.id)) out.push(`panel id ${p.id} twice`);
    ids.add(p.id);
    const g = p.gridPos;
    if (!(g.x >= 0 && g.y >= 0 && g.w >= 1 && g.h >= 1 && g.x + g.w <= 24))
      out.push(`panel ${p.id}: gridPos ${JSON.stringify(g)} off the 24-column grid`);
    for (const b of boxes)
      if (g.x < b.x + b.w && b.x < g.x + g.w && g.y < b.y + b.h && b.y < g.y + g.h)
        out.push(`panels ${b.id} and ${p.id} overlap`);
    boxes.push({ id: p.id, ...g });
    if (p.type === 'row') continue;
    const options = panelType(p.type, 'Options');
    if (options) out.push(...conform(p.options, options, `panel ${p.id} options`));
    const custom = panelType(p.type, 'FieldConfig');
    if (custom && p.fieldConfig?.defaults?.custom)
      out.push(...conform(p.fieldConfig.defaults.custom, custom, `panel ${p.id} custom`));
    if (!p.targets.every((t: Json) => t.datasource?.uid && t.refId))
      out.push(`panel ${p.id}: a query without data source or refId`);
  }
  return out;
}

describe('Grafana dashboards conform to @grafana/schema', () => {
  for (const flavour of FLAVOURS)
    for (const [key, spec] of SPECS)
      it(`${key} on ${flavour}: required fields, known panel types, on the grid, no overlaps, unique ids`, () => {
        const d = built(spec, flavour);
        expect(problems(d)).toEqual([]);
        expect(d.schemaVersion).toBe(defaultDashboard.schemaVersion);
        expect(d.uid).toBe(spec.id);
        expect(d.uid.length).toBeLessThanOrEqual(40);
        const rows = (d.panels as Json[]).filter((p) => p.type === 'row');
        expect(rows.map((r) => r.title)).toEqual(spec.sections.map((s) => s.title));
        expect((d.panels as Json[]).length).toBe(spec.sections.reduce((n, s) => n + 1 + s.panels.length, 0));
        expect(d.templating.list.map((v: Json) => v.name)).toEqual(spec.variables);
        // Pure: the same spec and registry give the same JSON.
        expect(JSON.stringify(built(spec, flavour))).toBe(JSON.stringify(d));
      });

  it('the checker catches what Grafana would refuse (it is not vacuous)', () => {
    const d = built(everyKind, 'postgres');
    const { schemaVersion: _s, ...noVersion } = d;
    expect(problems(noVersion)).toContain('$.schemaVersion: required by Dashboard but missing');
    expect(problems({ ...d, refresh: 30 })).toEqual(['$.refresh: 30 is not string']);
    expect(problems({ ...d, colour: 'red' })).toEqual(['$.colour: not a field of Dashboard']);
    const panels = structuredClone(d.panels) as Json[];
    panels[1]!.gridPos = { ...panels[1]!.gridPos, x: 20, w: 8 };
    panels[2]!.type = 'pie-chart';
    panels[3]!.options.colorMode = 'sparkly';
    panels[3]!.id = panels[2]!.id;
    const found = problems({ ...d, panels });
    expect(found).toContain(
      `panel ${panels[1]!.id}: gridPos {"x":20,"y":1,"w":8,"h":4} off the 24-column grid`,
    );
    expect(found).toContain(`panel ${panels[2]!.id}: unknown type pie-chart`);
    expect(found).toContain(`panel id ${panels[2]!.id} twice`);
    expect(found.some((e) => e.startsWith(`panel ${panels[3]!.id} options.colorMode:`))).toBe(true);
    expect(found.some((e) => / overlap$/.test(e))).toBe(true);
  });

  it('lays the 12-column widths out on 24 columns, wrapping lines, a row header per section', () => {
    const d = built(everyKind, 'prometheus');
    const pos = (title: string) => (d.panels as Json[]).find((p) => p.title === title)!.gridPos;
    expect(pos('Numbers')).toEqual({ x: 0, y: 0, w: 24, h: 1 });
    expect(pos('Lead time')).toEqual({ x: 0, y: 1, w: 6, h: 4 });
    expect(pos('CI p50 and p90')).toEqual({ x: 6, y: 1, w: 6, h: 4 });
    expect(pos('NPS')).toEqual({ x: 12, y: 1, w: 12, h: 4 });
    expect(pos('About')).toEqual({ x: 0, y: 5, w: 24, h: 3 });
    expect(pos('Over time')).toEqual({ x: 0, y: 8, w: 24, h: 1 });
    expect(pos('Deploys by team')).toEqual({ x: 0, y: 17, w: 10, h: 8 });
    expect(pos('Per team')).toEqual({ x: 10, y: 17, w: 14, h: 8 });
  });

  it('units, thresholds and direction come from the metric definitions', () => {
    const d = built(everyKind, 'postgres');
    const panel = (title: string) => (d.panels as Json[]).find((p) => p.title === title)!;
    const lead = registry.get('dora.lead_time.median_hours');
    expect(lead.direction).toBe('lower_is_better');
    expect(panel('Lead time').fieldConfig.defaults).toMatchObject({
      unit: 'h',
      color: { mode: 'thresholds' },
      thresholds: {
        mode: 'absolute',
        steps: [
          { color: 'green', value: null },
          { color: 'yellow', value: lead.thresholds!.green },
          { color: 'red', value: lead.thresholds!.yellow },
        ],
      },
    });
    const cfr = registry.get('dora.change_failure.rate');
    const table = panel('Per team');
    expect(table.fieldConfig.overrides.map((o: Json) => [o.matcher.options, o.properties[0].value])).toEqual([
      [lead.title, 'h'],
      [cfr.title, 'percentunit'],
      [registry.get('dx.survey.nps').title, 'none'],
    ]);
    const deploys = registry.get('dora.deploys.days_per_week');
    expect(deploys.direction).toBe('higher_is_better');
    const exec = built(dashboards.executive, 'prometheus');
    const stat = (exec.panels as Json[]).find((p) => p.title === deploys.title)!;
    expect(stat.fieldConfig.defaults.thresholds.steps).toEqual([
      { color: 'red', value: null },
      { color: 'yellow', value: deploys.thresholds!.yellow },
      { color: 'green', value: deploys.thresholds!.green },
    ]);
    expect(stat.fieldConfig.defaults.unit).toBe('suffix: days/week');
    // A second metric in one panel keeps its own unit, matched by its query.
    expect(panel('CI p50 and p90').fieldConfig.overrides).toEqual([
      expect.objectContaining({
        matcher: { id: 'byFrameRefID', options: 'B' },
        properties: expect.arrayContaining([{ id: 'unit', value: 'm' }]),
      }),
    ]);
    // Threshold overrides in config reach the dashboard.
    const overridden = registryFor(
      testConfig({ metrics: { thresholds: { 'dora.lead_time.median_hours': { green: 2, yellow: 3 } } } }),
    );
    const o = renderDashboard(everyKind, { flavour: 'postgres', registry: overridden }) as unknown as Json;
    expect(
      (o.panels as Json[])
        .find((p) => p.title === 'Lead time')!
        .fieldConfig.defaults.thresholds.steps.map((s: Json) => s.value),
    ).toEqual([null, 2, 3]);
  });

  it('sets every option the panel plugins default in @grafana/schema', async () => {
    const defaults = {
      stat: (await import('@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen'))
        .defaultOptions,
      bargauge: (
        await import('@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen')
      ).defaultOptions,
      table: (
        await import('@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen')
      ).defaultOptions,
    } as Record<string, Record<string, unknown>>;
    const d = built(everyKind, 'prometheus');
    for (const [type, opts] of Object.entries(defaults)) {
      const p = (d.panels as Json[]).find((x) => x.type === type)!;
      expect(
        Object.keys(opts).filter((k) => !(k in p.options)),
        type,
      ).toEqual([]);
    }
  });
});
