import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (f: string) => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');
const readme = read('README.md');
const ci = read('.ci/run');
const quickStart = readme.slice(
  readme.indexOf('## Quick start'),
  readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
);
const commands = [...quickStart.matchAll(/```sh\n([^`]*)```/g)].map((m) => m[1]!.trim());
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

describe("the README's quick start is what CI runs", () => {
  it('has two commands: run, then test on the locked packages', () => {
    expect(commands).toEqual(['npm install && npm start', 'npm ci && npm test']);
  });

  it(".ci/run runs the README's test command as it stands, and installs nothing the README does not", () => {
    const lines = ci.split('\n').map((l) => l.trim());
    expect(lines).toContain(commands[1]);
    expect(ci).not.toMatch(/apt-get[^\n]*install/);
  });

  it('npm start builds stale dashboards and npm test provides Chromium and PostgreSQL first', () => {
    expect(scripts.start).toMatch(/^tsx scripts\/web-build\.ts && /);
    expect(scripts.test).toMatch(/^bash scripts\/test-deps\.sh && vitest run$/);
  });
});
