import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/test-deps.sh', import.meta.url));
const which = (cmd: string) =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
const BASH = which('bash');
const bins = mkdtempSync(join(tmpdir(), 'pitwall-testdeps-'));
chmodSync(bins, 0o755); // the unprivileged user's PATH and copy of the script live here too
// A copy the unprivileged user can read wherever the checkout is (a home folder may be private).
const SCRIPT_COPY = join(bins, 'test-deps.sh');
copyFileSync(SCRIPT, SCRIPT_COPY);
chmodSync(SCRIPT_COPY, 0o755);
afterAll(() => rmSync(bins, { recursive: true, force: true }));

/** What the suite runs besides the browser and the database: shells, Prometheus, unzip (for helm). */
const MACHINE_TOOLS = ['zsh', 'fish', 'prometheus', 'promtool', 'unzip'];

/** A PATH holding only `tools` and the machine tools less `missing`: what the machine offers. */
function pathWith(name: string, tools: string[], missing: string[] = []): string {
  const dir = join(bins, name);
  mkdirSync(dir);
  for (const t of ['bash', 'id', ...MACHINE_TOOLS.filter((m) => !missing.includes(m)), ...tools]) {
    const real = which(t);
    expect(real, `${t} on this machine`).not.toBe('');
    symlinkSync(real, join(dir, t));
  }
  return dir;
}

/** The setup script as `npm test` runs it; as an unprivileged user when `asUser`. */
function run(env: Record<string, string>, asUser = false) {
  const root = process.getuid?.() === 0;
  const [cmd, ...args] =
    asUser && root
      ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', BASH, SCRIPT_COPY]
      : [BASH, SCRIPT];
  const started = Date.now();
  const r = spawnSync(cmd!, args, { encoding: 'utf8', env: { HOME: tmpdir(), ...env }, timeout: 30_000 });
  return { status: r.status, stderr: r.stderr, ms: Date.now() - started };
}

// Stands in for a Chromium binary: the script only checks that one is executable there.
const SOME_EXECUTABLE = process.execPath;

describe('test setup: what the machine must provide before Vitest runs', () => {
  it('passes silently when the browser and the database are given', () => {
    const r = run({
      PATH: pathWith('given', []),
      PITWALL_CHROMIUM: SOME_EXECUTABLE,
      PITWALL_TEST_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
    });
    expect(r).toMatchObject({ status: 0, stderr: '' });
  });

  it('without apt-get, stops at once and names the command that runs the tests anyway', () => {
    const r = run({ PATH: pathWith('no-apt', []), PITWALL_CHROMIUM: SOME_EXECUTABLE });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the tests need postgresql');
    expect(r.stderr).toContain(
      '  PITWALL_TEST_DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/DB npm test\n',
    );
    expect(r.ms).toBeLessThan(5_000);
  });

  it('as a user who cannot install, stops at once and names the one install command', () => {
    const r = run({ PATH: pathWith('not-root', ['apt-get']), PITWALL_CHROMIUM: SOME_EXECUTABLE }, true);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Debian's postgresql, not installed here");
    expect(r.stderr).toContain(`  sudo sh -c 'apt-get update && apt-get install -y postgresql'\n`);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('names the variable when PITWALL_CHROMIUM points at no executable', () => {
    const r = run({ PATH: pathWith('bad-chromium', []), PITWALL_CHROMIUM: join(bins, 'no-such-chromium') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PITWALL_CHROMIUM=');
    expect(r.stderr).toContain('is not an executable');
  });

  it('names zsh and fish when they are missing (the shell-hook tests run them)', () => {
    const r = run(
      {
        PATH: pathWith('no-shells', ['apt-get'], ['zsh', 'fish']),
        PITWALL_CHROMIUM: SOME_EXECUTABLE,
        PITWALL_TEST_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      },
      true,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`  sudo sh -c 'apt-get update && apt-get install -y zsh fish'\n`);
  });

  it('names prometheus and unzip when they are missing (a real Prometheus scrapes; helm is unzipped)', () => {
    const r = run(
      {
        PATH: pathWith('no-prometheus', ['apt-get'], ['prometheus', 'promtool', 'unzip']),
        PITWALL_CHROMIUM: SOME_EXECUTABLE,
        PITWALL_TEST_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      },
      true,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`  sudo sh -c 'apt-get update && apt-get install -y prometheus unzip'\n`);
  });
});
