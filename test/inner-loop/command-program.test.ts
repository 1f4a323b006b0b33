import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { ingest } from '../../src/ingest/ingest.js';
import { commandsWithProgram } from '../../src/metrics/definitions/command-program.js';

/** The normalised command (program + subcommand) is one SQL expression: the same on both engines. */
const CASES: [string, string][] = [
  ['npm test', 'npm test'],
  ['npm run build', 'npm run build'],
  ['npm run test:unit -- --watch', 'npm run test:unit'],
  ['npx vitest run', 'npx vitest'],
  ['npx tsc -p .', 'npx tsc'],
  ['pnpm exec eslint .', 'pnpm exec eslint'],
  ['yarn install --frozen-lockfile', 'yarn install'],
  ['cargo build --release', 'cargo build'],
  ['cargo   test  -p core', 'cargo test'],
  ['go test ./...', 'go test'],
  ['go build ./...', 'go build'],
  ['golangci-lint run', 'golangci-lint run'],
  ['git pull --rebase', 'git pull'],
  ['CI=1 NODE_ENV=test npm test', 'npm test'],
  ['sudo apt-get install jq', 'apt-get install'],
  ['time make build', 'make build'],
  ['pitwall run -- npm ci', 'npm ci'],
  ['./node_modules/.bin/vitest run', 'vitest run'],
  ['/usr/bin/python3 -m pytest -x', 'python3 -m pytest'],
  ['python manage.py test', 'python'],
  ['ls -la', 'ls'],
  ['vim src/app.ts', 'vim'],
  ['make', 'make'],
  ['mvn -q verify', 'mvn'],
];

describe.each(ENGINES)('normalised command on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(
      t.store,
      CASES.map(([command], i) => ({
        kind: 'command',
        id: `c${i}`,
        user_name: 'u',
        command,
        exit_code: 0,
        started_at: '2026-01-01T00:00:00Z',
        duration_ms: 1,
      })),
    );
  });
  afterAll(async () => t?.cleanup());

  it('is program + subcommand, wrappers and assignments dropped', async () => {
    const rows = await t.store.query<{ command: string; program: string }>(
      `select c.command, c.program from ${commandsWithProgram('c')} order by c.id`,
    );
    const got = Object.fromEntries(rows.map((r) => [r.command, r.program]));
    for (const [command, program] of CASES) expect(got[command], command).toBe(program);
  });
});
