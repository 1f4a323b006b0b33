import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webBuildReason } from '../../scripts/web-build.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A file dated `minutesAgo` before now. */
function file(path: string, minutesAgo: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '');
  const t = new Date(Date.now() - minutesAgo * 60_000);
  utimesSync(full, t, t);
}

function project(): void {
  root = mkdtempSync(join(tmpdir(), 'pitwall-webbuild-'));
  file('src/web/index.html', 30);
  file('src/web/src/pages/Exec.tsx', 30);
  file('src/client/client.ts', 30);
}

describe('web build freshness (npm start)', () => {
  it('builds when there is no build', () => {
    project();
    expect(webBuildReason(root)).toBe('dist/web/index.html is missing');
  });

  it('builds when a build was cut short before index.html', () => {
    project();
    file('dist/web/assets/index-abc.js', 1);
    expect(webBuildReason(root)).toBe('dist/web/index.html is missing');
  });

  it('serves a build newer than every web source as it is', () => {
    project();
    file('dist/web/index.html', 10);
    expect(webBuildReason(root)).toBeNull();
  });

  it.each(['src/web/src/pages/Exec.tsx', 'src/web/index.html', 'src/client/client.ts'])(
    'rebuilds when %s changed after the build',
    (changed) => {
      project();
      file('dist/web/index.html', 10);
      file(changed, 5);
      expect(webBuildReason(root)).toBe(`${changed} is newer than dist/web/index.html`);
    },
  );

  it('ignores outputs and installed packages inside the web folder', () => {
    project();
    file('dist/web/index.html', 10);
    file('src/web/dist/index.html', 1);
    file('src/web/node_modules/x/index.js', 1);
    expect(webBuildReason(root)).toBeNull();
  });
});
