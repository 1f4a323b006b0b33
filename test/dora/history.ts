import type { Config } from '../../src/config/schema.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { configSchema, loadConfig } from '../../src/plugins.js';
import type { Explanation } from '../../src/metrics/registry/registry.js';
import { explainMetric } from '../../src/metrics/registry/registry.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, type Engine, type TestStore } from '../helpers/stores.js';

/** Builders for hand-made DORA histories whose numbers are known exactly. */
export const H = 3_600_000;
export const DAY = 24 * H;
/** A Monday. */
export const T0 = Date.parse('2024-03-04T00:00:00Z');
export const at = (h: number) => new Date(T0 + h * H).toISOString();
// Zero-padded behind a marker, so no two numbers share a sha.
export const sha = (n: number) => `f${n.toString(16).padStart(39, '0')}`;
export const defaults = (): Config => loadConfig({ cwd: '/nonexistent', env: {} });
/** Defaults with the `dora:` settings given, as pitwall.yaml would set them. */
export const withDora = (dora: Record<string, unknown>): Config => ({
  ...defaults(),
  dora: configSchema.parse({ dora }).dora,
});

/** A line of commits: commit n's parent is n - 1. */
export const commit = (n: number, h: number, extra: Record<string, unknown> = {}) => ({
  kind: 'commit',
  repo: 'acme/api',
  sha: sha(n),
  author: 'ada@example.com',
  authored_at: at(h),
  committed_at: at(h),
  parents: n > 1 ? [sha(n - 1)] : [],
  subject: `change ${n}`,
  ...extra,
});

export const deployment = (
  id: string,
  n: number,
  h: number,
  o: { status?: string; environment?: string; startedH?: number } = {},
) => ({
  kind: 'deployment',
  id,
  service: 'api',
  environment: o.environment ?? 'production',
  repo: 'acme/api',
  sha: sha(n),
  started_at: at(o.startedH ?? h - 0.25),
  finished_at: at(h),
  status: o.status ?? 'success',
});

export const repo = { kind: 'repo', repo: 'acme/api', team: 'core' };

/** One metric's value over [from, to) hours after T0 (ungrouped). */
export async function valueOf(store: Store, config: Config, name: string, fromH = -24, toH = 14 * 24) {
  const rows = await registryFor(config).compute(store, name, {
    from: new Date(T0 + fromH * H),
    to: new Date(T0 + toH * H),
  });
  return rows[0]?.value ?? null;
}

export async function explainOf(
  store: Store,
  config: Config,
  name: string,
  fromH = -24,
  toH = 14 * 24,
): Promise<Explanation> {
  return explainMetric(store, registryFor(config), name, {
    from: new Date(T0 + fromH * H),
    to: new Date(T0 + toH * H),
    limit: 1000,
  });
}

/** A fresh store holding `records`, with every derived table brought up to date. */
export async function storeWith(
  engine: Engine,
  records: readonly unknown[],
  config: Config,
): Promise<TestStore> {
  const t = await openTestStore(engine);
  await ingest(t.store, records);
  await ensureFresh(t.store, config);
  return t;
}
