import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { hashToken } from '../../src/server/tokens.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

describe.each(ENGINES)('pitwall token on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close(); // the CLI opens the store itself
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('creates a token printed once, lists it without the token, revokes it; bad scopes exit 2', async () => {
    const made = await cli(['token', 'create', '--name', 'argo', '--scope', 'ingest', '--scope', 'read'], {
      env,
    });
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^pw_[A-Za-z0-9_-]{43}$/);
    const list = await cli(['token', 'list', '--json'], { env });
    expect(list.stdout).not.toContain(token);
    const [info] = JSON.parse(list.stdout) as { id: string; scopes: string[]; revoked_at: string | null }[];
    expect(info).toMatchObject({ scopes: ['ingest', 'read'], revoked_at: null });
    const s = await openStore(t.config);
    try {
      const rows = await s.query<{ token_hash: string }>('select token_hash from api_tokens');
      expect(rows).toEqual([{ token_hash: hashToken(token) }]);
    } finally {
      await s.close();
    }
    expect((await cli(['token', 'revoke', info!.id], { env })).code).toBe(0);
    expect((await cli(['token', 'revoke', 'nope'], { env })).code).toBe(2);
    const bad = await cli(['token', 'create', '--name', 'x', '--scope', 'root'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('scopes');
  });
});
