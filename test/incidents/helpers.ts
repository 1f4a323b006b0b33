import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli } from '../helpers/cli.js';
import { storeEnv, type TestStore } from '../helpers/stores.js';

/** A working directory with a pitwall.yaml, and the environment a CLI run needs for the store. */
export function workspace(t: TestStore, config: Record<string, unknown>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-incidents-'));
  writeFileSync(join(dir, 'pitwall.yaml'), stringify(config));
  const fullEnv = {
    ...storeEnv(t),
    PITWALL_PAGERDUTY_RETRY_BASE_MS: '5',
    PITWALL_OPSGENIE_RETRY_BASE_MS: '5',
    ...env,
  };
  return {
    dir,
    run: (args: string[], extraEnv: Record<string, string> = {}) =>
      cli(args, { cwd: dir, env: { ...fullEnv, ...extraEnv } }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `pitwall dora` over a window, as metric name -> value. */
export async function doraValues(
  ws: ReturnType<typeof workspace>,
  window: string[],
): Promise<Record<string, number | null>> {
  const r = await ws.run(['dora', ...window, '--json']);
  if (r.code !== 0) throw new Error(`pitwall dora exited ${r.code}: ${r.stderr}`);
  const s = JSON.parse(r.stdout) as { rows: { metric: string; value: number | null }[] };
  return Object.fromEntries(s.rows.map((x) => [x.metric, x.value]));
}

/** Incident rows as comparable values (instants as ISO strings), by id. */
export const iso = (v: unknown) =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();
