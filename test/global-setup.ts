import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** Starts the machine's PostgreSQL (or uses PITWALL_TEST_DATABASE_URL) once for the whole run. */
export default function setup(project: TestProject) {
  const script = fileURLToPath(new URL('../scripts/postgres-up.sh', import.meta.url));
  const url = execFileSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  project.provide('postgresUrl', url);
}
