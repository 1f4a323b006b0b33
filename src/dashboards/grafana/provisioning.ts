import { stringify } from 'yaml';
import type { Flavour } from './panels.js';
import { DATASOURCE_TYPE, DEFAULT_DATASOURCE_UID } from './render.js';
import { DEFAULT_FOLDER_UID } from './api.js';

/**
 * Grafana's file provisioning: a dashboards provider reading the JSON files from a folder, and
 * the data source the dashboards name by uid. Credentials stay `$VAR`s that Grafana expands from
 * its own environment when it reads the file, so no secret is ever written here.
 */

/** Where the provider reads the dashboard files inside the Grafana container (mount `dashboards/` there). */
export const DASHBOARDS_PATH = '/var/lib/grafana/dashboards/pitwall';

export function dashboardsProvider(): string {
  return stringify({
    apiVersion: 1,
    providers: [
      {
        name: 'pitwall',
        orgId: 1,
        type: 'file',
        folder: 'Pitwall',
        folderUid: DEFAULT_FOLDER_UID,
        // Generated files: edit the definitions and rebuild, not the dashboard in the UI.
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: DASHBOARDS_PATH, foldersFromFilesStructure: false },
      },
    ],
  });
}

export function datasources(flavour: Flavour): string {
  const uid = DEFAULT_DATASOURCE_UID[flavour];
  const type = DATASOURCE_TYPE[flavour];
  const ds =
    flavour === 'prometheus'
      ? {
          name: 'Pitwall (Prometheus)',
          type,
          uid,
          access: 'proxy',
          url: '${PITWALL_PROMETHEUS_URL}',
          // Pitwall's gauges change when a scrape recomputes them; a 60 s scrape is plenty.
          jsonData: { timeInterval: '60s', httpMethod: 'POST' },
          editable: false,
        }
      : {
          name: 'Pitwall (PostgreSQL)',
          type,
          uid,
          access: 'proxy',
          url: '${PITWALL_PG_HOST}',
          user: '${PITWALL_PG_USER}',
          jsonData: {
            database: '${PITWALL_PG_DATABASE}',
            sslmode: 'require',
            postgresVersion: 1500,
            timescaledb: false,
          },
          secureJsonData: { password: '${PITWALL_PG_PASSWORD}' },
          editable: false,
        };
  return stringify({ apiVersion: 1, datasources: [ds] });
}
