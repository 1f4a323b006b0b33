import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/serve-process.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';
import { demoApps } from './argocd-server.js';
import { renderNotification } from './notification.js';

const WEBHOOK_TOKEN = 'argocd-serve-token-Zq81x0';

describe.each(ENGINES)('Argo CD webhooks into a real pitwall serve on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close(); // the server opens it
    dir = mkdtempSync(join(tmpdir(), 'pitwall-argocd-serve-'));
    writeFileSync(join(dir, 'pitwall.yaml'), '{}\n');
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.cleanup();
  });

  it(
    'takes the token from PITWALL_ARGOCD_WEBHOOK_TOKEN, writes the sync, and never prints the token',
    { timeout: 120_000 },
    async () => {
      const serve = await startServe([], {
        cwd: dir,
        env: { ...storeEnv(t), PITWALL_ARGOCD_WEBHOOK_TOKEN: WEBHOOK_TOKEN, PITWALL_LOG_LEVEL: 'debug' },
      });
      try {
        const body = renderNotification(demoApps().find((a) => a.metadata.name === 'checkout')!);
        const post = (token: string) =>
          fetch(`${serve.url}/api/v1/webhooks/argocd`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-pitwall-token': token },
            body,
          });
        expect((await post('wrong-token-wrong-token')).status).toBe(401);
        const ok = await post(WEBHOOK_TOKEN);
        expect(ok.status).toBe(200);
        expect(await ok.json()).toMatchObject({ app: 'checkout', records: 2 });
      } finally {
        serve.child.kill('SIGTERM');
        expect(await serve.exited).toBe(0);
      }
      expect(serve.stdout() + serve.stderr()).not.toContain(WEBHOOK_TOKEN);
      expect(
        (await queryOnce<{ id: string }>(t, 'select id from deployments order by id')).map((r) => r.id),
      ).toEqual(['argocd:checkout:0', 'argocd:checkout:1']);
    },
  );
});
