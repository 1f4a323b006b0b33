import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboards } from '../../../src/dashboards/definitions/index.js';
import { grafanaTarget } from '../../../src/dashboards/grafana/target.js';
import { DASHBOARDS_PATH } from '../../../src/dashboards/grafana/provisioning.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';
import { testConfig } from '../../helpers/collect-git.js';

const registry = registryFor(testConfig());
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("build --target grafana: files for Grafana's file provisioning", () => {
  for (const [flavour, type] of [
    ['prometheus', 'prometheus'],
    ['postgres', 'grafana-postgresql-datasource'],
  ] as const)
    it(`${flavour}: a JSON file per dashboard, a dashboards provider, the data source its panels name`, () => {
      const target = grafanaTarget(flavour);
      const files = Object.values(dashboards).flatMap((spec) =>
        target.files(spec, target.build(spec, { registry })),
      );
      const byPath = new Map<string, string[]>();
      for (const f of files) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f.content]);
      // Every dashboard's files agree on the shared provisioning files, so writing them in any order is the same.
      for (const [path, contents] of byPath) expect(new Set(contents).size, path).toBe(1);
      expect([...byPath.keys()].sort()).toEqual(
        [
          ...Object.values(dashboards).map((s) => `dashboards/${s.id}.json`),
          'provisioning/dashboards/pitwall.yaml',
          'provisioning/datasources/pitwall.yaml',
        ].sort(),
      );
      const provider = parse(byPath.get('provisioning/dashboards/pitwall.yaml')![0]!) as Json;
      expect(provider).toMatchObject({
        apiVersion: 1,
        providers: [{ type: 'file', folderUid: 'pitwall', options: { path: DASHBOARDS_PATH } }],
      });
      const ds = parse(byPath.get('provisioning/datasources/pitwall.yaml')![0]!) as Json;
      expect(ds.apiVersion).toBe(1);
      expect(ds.datasources).toHaveLength(1);
      const source = ds.datasources[0];
      expect(source.type).toBe(type);
      // Credentials are Grafana-side environment variables, never values.
      const text = byPath.get('provisioning/datasources/pitwall.yaml')![0]!;
      if (flavour === 'postgres') {
        expect(source.secureJsonData.password).toBe('${PITWALL_PG_PASSWORD}');
        expect(source.jsonData.database).toBe('${PITWALL_PG_DATABASE}');
      }
      expect(text).not.toMatch(/password:\s*[^$\s]/);
      for (const spec of Object.values(dashboards)) {
        const d = JSON.parse(byPath.get(`dashboards/${spec.id}.json`)![0]!) as Json;
        expect(d.uid).toBe(spec.id);
        expect(d.tags).toEqual(['pitwall', `pitwall-${flavour}`]);
        const refs = (d.panels as Json[]).flatMap((p) =>
          ((p.targets ?? []) as Json[]).map((t) => t.datasource),
        );
        for (const r of [...refs, ...(d.templating.list as Json[]).map((v) => v.datasource)])
          expect(r).toEqual({ type, uid: source.uid });
      }
    });
});
