import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { spawnCli, startServe } from '../helpers/serve-process.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';

// Each secret is a string no output has any other reason to contain.
const USERINFO_SECRET = 'uS3r@info-Secret-91'; // an unencoded `@` inside the password
const SSL_SECRET = 'ssl-Pass-Secret-42';
const WRONG_SECRET = 'S3cret@Zz-Wrong-77';
const QUERY_SECRET = 'Q-Param-Secret-55';
const WEBHOOK_SECRET = 'whsec-Config-Secret-13';
const GITHUB_TOKEN = 'ghp_EnvSecretToken0123456789abcdefXYZ';
const BAD_BEARER = 'pw_NotAToken-Secret-66';

/** Every spelling of a secret an output could carry: as is, percent-encoded, and each part around an `@`. */
const spellings = (s: string) => [s, encodeURIComponent(s), ...s.split('@').filter((p) => p.length >= 6)];

function leaks(output: string, secrets: readonly string[]): string[] {
  return secrets.flatMap(spellings).filter((s) => output.includes(s));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('no configured secret appears in any output', () => {
  let t: TestStore;
  let dir: string;
  let url: string;
  beforeAll(async () => {
    t = await openTestStore('postgres');
    await t.store.close(); // the CLI opens it
    dir = mkdtempSync(join(tmpdir(), 'pitwall-secrets-'));
    // The real password goes as ?password= (the driver prefers it over the user info), so the
    // user info can carry a secret of its own and the server still connects.
    const real = new URL(t.config.databaseUrl!);
    url =
      `postgres://${real.username}:${USERINFO_SECRET}@${real.host}${real.pathname}` +
      `?password=${encodeURIComponent(decodeURIComponent(real.password))}&sslpassword=${SSL_SECRET}&application_name=pitwall-secrets`;
    writeFileSync(
      join(dir, 'pitwall.yaml'),
      [
        'github:',
        `  webhook_secret: ${WEBHOOK_SECRET}`,
        'collectors:',
        // Fails every second (nothing listens there), so the log carries collector errors.
        '  - { id: github, name: gh, schedule: "* * * * * *", options: { org: acme, api_url: "http://127.0.0.1:1" } }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.cleanup();
  });

  it(
    'serve banner and log, token create, failing connections: stdout, stderr and log are clean',
    { timeout: 120_000 },
    async () => {
      const env = {
        DATABASE_URL: url,
        GITHUB_TOKEN,
        PITWALL_LOG_LEVEL: 'debug',
        PITWALL_GITHUB_RETRY_BASE_MS: '5',
      };
      const realPassword = decodeURIComponent(new URL(t.config.databaseUrl!).password);
      const outputs: Record<string, string> = {};

      const made = spawnCli(['token', 'create', '--name', 'reader', '--scope', 'read'], { cwd: dir, env });
      expect(await made.exited, made.stderr()).toBe(0);
      const token = made.stdout().trim();
      expect(token).toMatch(/^pw_/);
      outputs['token create stderr'] = made.stderr();

      const serve = await startServe([], { cwd: dir, env });
      const banner = serve.stderr();
      expect(banner).toMatch(
        /postgres:\/\/pitwall:\*\*\*@127\.0\.0\.1:\d+\/\S+\?password=\*\*\*&sslpassword=\*\*\*/,
      );
      expect(banner).not.toContain(`password=${realPassword}`);
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${serve.url}${path}`, { headers }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        }));
      expect((await get('/api/v1/teams', { authorization: `Bearer ${token}` })).status).toBe(200);
      const refused = await get('/api/v1/teams', { authorization: `Bearer ${BAD_BEARER}` });
      expect(refused.status).toBe(401);
      const forbidden = await fetch(`${serve.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', scopes: ['admin'] }),
      });
      expect(forbidden.status).toBe(403);
      const hook = await fetch(`${serve.url}/api/v1/webhooks/github`, {
        method: 'POST',
        headers: {
          'x-github-event': 'ping',
          'x-hub-signature-256': 'sha256=00',
          'content-type': 'application/json',
        },
        body: '{}',
      });
      expect(hook.status).toBe(401);
      outputs['answers'] = [refused.text, await forbidden.text(), await hook.text()].join('\n');
      await sleep(2500); // two scheduled runs fail and are logged
      serve.child.kill('SIGTERM');
      expect(await serve.exited, serve.stderr()).toBe(0);
      outputs['serve stdout (log)'] = serve.stdout();
      outputs['serve stderr'] = serve.stderr();
      expect(serve.stdout()).toContain('"level":'); // the log was captured (debug level)

      // Connections that fail: wrong password with an unencoded `@`, and nothing listening.
      const wrong = `postgres://pitwall:${WRONG_SECRET}@127.0.0.1:${new URL(url).port || 5432}/nope`;
      const refusedUrl = `postgres://pitwall@127.0.0.1:1/nope?password=${QUERY_SECRET}&sslpassword=${SSL_SECRET}`;
      for (const [name, databaseUrl] of [
        ['authentication failed', wrong],
        ['connection refused', refusedUrl],
      ] as const) {
        const r = await cli(['token', 'list'], { cwd: dir, env: { DATABASE_URL: databaseUrl } });
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toMatch(
          /^pitwall: Cannot connect to PostgreSQL at postgres:\/\/pitwall(:\*\*\*)?@127\.0\.0\.1/,
        );
        expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
        outputs[`${name} stdout`] = r.stdout;
        outputs[`${name} stderr`] = r.stderr;
      }
      expect(outputs['authentication failed stderr']).toContain('password authentication failed');
      expect(outputs['connection refused stderr']).toContain('ECONNREFUSED');

      const secrets = [
        USERINFO_SECRET,
        SSL_SECRET,
        WRONG_SECRET,
        QUERY_SECRET,
        WEBHOOK_SECRET,
        GITHUB_TOKEN,
        BAD_BEARER,
        token,
      ];
      const found = Object.entries(outputs).flatMap(([where, text]) =>
        leaks(text, secrets).map((s) => `${where}: ${s}`),
      );
      expect(found).toEqual([]);
    },
  );
});
