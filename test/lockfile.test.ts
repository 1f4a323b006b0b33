import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Locked {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const read = <T>(f: string): T => JSON.parse(readFileSync(new URL(`../${f}`, import.meta.url), 'utf8')) as T;
const manifest = read<Locked>('package.json');
const lock = read<{ lockfileVersion: number; packages: Record<string, Locked> }>('package-lock.json');
const HOW = 'regenerate the lock with `bash scripts/lock.sh`';

/** The lock entry Node would load `name` from when it is required by the package at `from`. */
function resolveFrom(from: string, name: string): string | undefined {
  for (let base = from; ;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

describe('package-lock.json (npm ci installs from it on every platform)', () => {
  it('declares exactly the dependencies of package.json', () => {
    const root = lock.packages['']!;
    expect(lock.lockfileVersion).toBe(3);
    expect(root.dependencies ?? {}, HOW).toEqual(manifest.dependencies ?? {});
    expect(root.devDependencies ?? {}, HOW).toEqual(manifest.devDependencies ?? {});
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }))
      expect(resolveFrom('', name), `${name}: ${HOW}`).toBeDefined();
  });

  it("locks every optional platform binary, not only this machine's", () => {
    const missing: string[] = [];
    for (const [at, pkg] of Object.entries(lock.packages))
      for (const dep of Object.keys(pkg.optionalDependencies ?? {}))
        if (!resolveFrom(at, dep)) missing.push(`${at || '(root)'} -> ${dep}`);
    expect(missing, HOW).toEqual([]);
  });

  it.each(['darwin-arm64', 'darwin-x64', 'win32-x64', 'linux-arm64', 'linux-x64'])(
    "locks DuckDB's %s binding",
    (platform) => {
      const bindings = lock.packages['node_modules/@duckdb/node-bindings']!;
      const entry = lock.packages[`node_modules/@duckdb/node-bindings-${platform}`];
      expect(entry?.version, HOW).toBe(bindings.version);
    },
  );
});
