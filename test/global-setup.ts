import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

const UNIX_SOCKET_PACKAGE = 'node-unix-socket@0.2.7';

/**
 * The StatsD listener's Unix datagram socket loads node-unix-socket, which users add themselves:
 * its binaries for other platforms are not on the registry, so it cannot be locked and stays out
 * of package.json. The suite adds it before any test loads it, leaving package.json and the lock
 * alone, and again after an `npm install` pruned it as extraneous.
 */
function addUnixSocketPackage() {
  try {
    createRequire(import.meta.url).resolve('node-unix-socket');
    return;
  } catch {
    // not installed: add it below
  }
  try {
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', UNIX_SOCKET_PACKAGE], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (e) {
    throw new Error(
      `could not add ${UNIX_SOCKET_PACKAGE} (the Unix datagram socket tests need it): run npm install --no-save ${UNIX_SOCKET_PACKAGE}, then the tests (${(e as Error).message.split('\n')[0]})`,
      { cause: e },
    );
  }
}

/** Starts the machine's PostgreSQL (or uses PITWALL_TEST_DATABASE_URL) once for the whole run. */
export default function setup(project: TestProject) {
  addUnixSocketPackage();
  const script = fileURLToPath(new URL('../scripts/postgres-up.sh', import.meta.url));
  const url = execFileSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  project.provide('postgresUrl', url);
}
