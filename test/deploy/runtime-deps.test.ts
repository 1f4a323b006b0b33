import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';

/**
 * The image's runtime stage installs `dependencies` only (npm ci --omit=dev): a package the
 * server or CLI loads at run time but listed under devDependencies would work in every test here
 * and fail in the container. Type-only imports are erased by tsc and need nothing.
 */
const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const SPECIFIERS = [
  /^\s*import\s+(?!type\b)[^;]*?\bfrom\s+'([^']+)'/gm,
  /^\s*export\s+(?!type\b)[^;]*?\bfrom\s+'([^']+)'/gm,
  /^\s*import\s+'([^']+)'/gm,
  /\bimport\(\s*'([^']+)'\s*\)/g,
  /\brequire\(\s*'([^']+)'\s*\)/g,
  /\bcreateRequire\([^)]*\)\(\s*'([^']+)'\s*\)/g,
];

/**
 * Loaded when present, with a message naming the setting and the install when not: node-unix-socket
 * (the StatsD Unix socket; not lockable for every platform, see src/listeners/statsd/unix-socket.ts).
 */
const OPTIONAL = new Set(['node-unix-socket']);

function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return null;
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0]!;
  return builtinModules.includes(name) ? null : name;
}

function specifiersIn(text: string): string[] {
  return SPECIFIERS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!));
}

/** Packages loaded at run time by the compiled sources (tsconfig.build.json: src without web and tests). */
function runtimeImports(): Map<string, string[]> {
  const files = globSync(['src/**/*.ts'], { cwd: root, ignore: ['src/web/**', 'src/**/*.test.ts'] });
  const used = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    for (const specifier of specifiersIn(text)) {
      const name = packageOf(specifier);
      if (name) used.set(name, [...(used.get(name) ?? []), relative(root, join(root, f))]);
    }
  }
  return used;
}

describe('the production image has every package the server and CLI load', () => {
  it('finds the imports it checks (the scan is not blind)', () => {
    const used = runtimeImports();
    for (const p of ['hono', 'pg', '@duckdb/node-api', 'zod', 'commander', 'otlp-protobuf-root'])
      expect(used.has(p), p).toBe(true);
    // A type-only import is not a run-time need; a dynamic import or a require is.
    expect(
      specifiersIn(
        "import type { Logger } from 'pino';\nimport { z } from 'zod';\nexport { x } from 'yaml';\nconst m = await import('p-retry');\nconst r = require('node-unix-socket');",
      ).sort(),
    ).toEqual(['node-unix-socket', 'p-retry', 'yaml', 'zod']);
    expect(packageOf('node:fs')).toBeNull();
    expect(packageOf('fs')).toBeNull();
    expect(packageOf('@octokit/core/dist/x.js')).toBe('@octokit/core');
  });

  it('lists each of them under dependencies, not devDependencies', () => {
    const missing = [...runtimeImports()]
      .filter(([name]) => !(name in pkg.dependencies) && !OPTIONAL.has(name))
      .map(
        ([name, files]) =>
          `${name} (${name in pkg.devDependencies ? 'a devDependency' : 'not in package.json'}; ${files.slice(0, 3).join(', ')})`,
      );
    expect(missing, 'move these to dependencies: the image installs only those').toEqual([]);
  });
});
