import type { DashboardSpec } from '../model.js';
import { executiveDashboard } from './executive.js';
import { platformDashboard } from './platform.js';
import { teamDashboard } from './team.js';
import { testenvDashboard } from './testenv.js';

/** Every dashboard Pitwall builds; `--dashboard <key>` picks one by the key here. */
export const dashboards = {
  executive: executiveDashboard,
  platform: platformDashboard,
  team: teamDashboard,
  testenv: testenvDashboard,
} as const satisfies Record<string, DashboardSpec>;

export type DashboardKey = keyof typeof dashboards;
export const DASHBOARD_KEYS = Object.keys(dashboards) as DashboardKey[];
