import { describe, expect, it } from 'vitest';
import { coreConfigSchema, type Config } from '../../src/config/schema.js';
import { DASHBOARD_KEYS, dashboards } from '../../src/dashboards/definitions/index.js';
import { diffDashboards, formatDiff } from '../../src/dashboards/diff.js';
import { registryFor } from '../../src/metrics/definitions/index.js';

const registry = registryFor(coreConfigSchema.parse({}) as Config);
const known = new Map(registry.list().map((d) => [d.name, d]));

describe('dashboard definitions', () => {
  it('lists the four dashboards under their keys, with distinct stable ids', () => {
    expect(DASHBOARD_KEYS).toEqual(['executive', 'platform', 'team', 'testenv']);
    const ids = Object.values(dashboards).map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^pitwall-[a-z]+$/);
  });

  for (const key of DASHBOARD_KEYS) {
    const spec = dashboards[key];
    describe(key, () => {
      const panels = spec.sections.flatMap((s) => s.panels);

      it('names only registry metrics, each grouped only by a group-by it allows', () => {
        const problems: string[] = [];
        for (const p of panels) {
          for (const m of p.metrics) {
            const def = known.get(m);
            if (!def) problems.push(`${p.id}: unknown metric ${m}`);
            else if (p.by && !def.groupBy.includes(p.by))
              problems.push(`${p.id}: ${m} cannot be grouped by ${p.by}`);
          }
        }
        expect(problems).toEqual([]);
      });

      it('has panels whose ids are unique, widths fit the 12-column grid, and kinds have what they need', () => {
        const ids = panels.map((p) => p.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const p of panels) {
          expect(p.width, p.id).toBeGreaterThanOrEqual(1);
          expect(p.width, p.id).toBeLessThanOrEqual(12);
          if (p.kind === 'note') expect(p.text, p.id).toBeTruthy();
          else expect(p.metrics.length, p.id).toBeGreaterThan(0);
          if (p.kind === 'bars' || p.kind === 'table') expect(p.by, p.id).toBeTruthy();
          if (p.kind === 'stat') expect(p.metrics, p.id).toHaveLength(1);
          if (p.labels) expect(p.labels, p.id).toHaveLength(p.metrics.length);
        }
      });

      it('has template variables that at least one panel can be filtered by', () => {
        for (const v of spec.variables) {
          const used = panels.some((p) => p.metrics.some((m) => known.get(m)?.groupBy.includes(v)));
          expect(used, v).toBe(true);
        }
      });
    });
  }

  it('mirrors the seed 003 sections on the test-environment dashboard', () => {
    expect(dashboards.testenv.sections.map((s) => s.title)).toEqual([
      'Provisioning performance',
      'Breakdown by phase',
      'Volume and reliability',
      'Optimisation impact',
      'Repository breakdown',
    ]);
  });

  it('never groups a dashboard by a person', () => {
    const bys = Object.values(dashboards).flatMap((d) =>
      d.sections.flatMap((s) => s.panels.map((p) => p.by)),
    );
    for (const by of bys) expect(['author', 'person', 'login', 'developer', 'user']).not.toContain(by);
  });
});

describe('diffDashboards', () => {
  const built = {
    title: 'T',
    widgets: [
      { definition: { title: 'A', type: 'note', content: 'x' } },
      { definition: { title: 'B', type: 'query_value', precision: 2 } },
    ],
  };

  it('finds nothing between equal dashboards', () => {
    expect(diffDashboards(built, structuredClone(built))).toEqual([]);
    expect(formatDiff([])).toMatch(/no changes/);
  });

  it('names a changed field by the widget title, and an added and a removed widget', () => {
    const live = structuredClone(built) as typeof built;
    live.widgets[1]!.definition.precision = 0;
    live.widgets.push({ definition: { title: 'C', type: 'note', content: 'y' } } as never);
    live.widgets.splice(0, 1);
    const changes = diffDashboards(built, live);
    expect(changes).toEqual([
      { kind: 'removed', path: 'widgets["A"]', from: built.widgets[0] },
      { kind: 'changed', path: 'widgets["B"].definition.precision', from: 2, to: 0 },
      { kind: 'added', path: 'widgets["C"]', to: { definition: { title: 'C', type: 'note', content: 'y' } } },
    ]);
    const text = formatDiff(changes);
    expect(text).toContain('~ widgets["B"].definition.precision: 2 -> 0');
    expect(text).toContain('- widgets["A"]');
    expect(text).toContain('+ widgets["C"]');
  });

  it('reports a widget moved to the front as that one move', () => {
    const four = ['A', 'B', 'C', 'D'].map((t) => ({ definition: { title: t, type: 'note', content: t } }));
    const live = { widgets: [four[3], four[0], four[1], four[2]] };
    expect(diffDashboards({ widgets: four }, live)).toEqual([
      { kind: 'moved', path: 'widgets["D"]', from: 3, to: 0 },
    ]);
    expect(formatDiff(diffDashboards({ widgets: four }, live))).toBe(
      '> widgets["D"]: moved from position 4 to 1',
    );
  });
});
