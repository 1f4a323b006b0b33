import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createContext, startServer, type RunningServer } from '../../src/server/server.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore } from '../helpers/stores.js';
import { bearer, silent } from './setup.js';
import { allRowCounts, lightFixture, type LightFixture } from './light-fixture.js';

interface Envelope {
  error: { code: string; message: string; details: unknown };
}

const NOW = '2025-01-01T00:00:00Z';
const SECRET = 'bad-input-secret';

/** One HTTP exchange over a raw socket: what Node's parser answers before any route. */
function rawExchange(url: string, request: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s: Socket = connect(Number(port), hostname, () => s.end(request));
    let got = '';
    s.on('data', (d) => (got += d.toString('utf8')));
    s.on('close', () => resolve(got));
    s.on('error', (e) => (got ? resolve(got) : reject(e)));
  });
}

function envelopeOf(raw: string): { status: number; body: Envelope } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
  return { status, body: JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Envelope };
}

describe.each(ENGINES)('bad input answers a coded 4xx and writes nothing on %s', (engine) => {
  let f: LightFixture;
  let webRoot: string;
  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'pitwall-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>t</title>');
    f = await lightFixture(engine, {
      webRoot,
      config: { github: { ...testConfig().github, webhook_secret: SECRET } },
    });
  });
  afterAll(async () => {
    await f?.cleanup();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const send = (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    f.app.request(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', ...bearer(f.token), ...init.headers },
      body:
        init.body === undefined
          ? undefined
          : typeof init.body === 'string'
            ? init.body
            : JSON.stringify(init.body),
    });

  async function refused(
    res: () => Response | Promise<Response>,
    status: number,
    code: string,
  ): Promise<Envelope> {
    await f.ctx.enrich.flush(); // enrichment owed by an earlier accepted write settles first
    const before = await allRowCounts(f.store);
    const r = await res();
    const body = (await r.json()) as Envelope;
    expect(r.status, JSON.stringify(body)).toBe(status);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
    expect(body.error).toHaveProperty('details');
    expect(await allRowCounts(f.store)).toEqual(before);
    return body;
  }
  const ingestOne = (rec: Record<string, unknown>) => () =>
    send('/api/v1/ingest', { body: { records: [rec] } });

  it('integers beyond 32 bits in exit_code, attempt, pr_number, retries and participants', async () => {
    const huge = 1e10;
    const records = [
      {
        kind: 'command',
        id: 'c',
        user_name: 'u',
        command: 'x',
        exit_code: huge,
        started_at: NOW,
        duration_ms: 1,
      },
      {
        kind: 'command',
        id: 'c',
        user_name: 'u',
        command: 'x',
        exit_code: -huge,
        started_at: NOW,
        duration_ms: 1,
      },
      { kind: 'pipeline_run', repo: 'a/b', run_id: 'r', attempt: huge, workflow: 'w', created_at: NOW },
      {
        kind: 'review',
        repo: 'a/b',
        pr_number: huge,
        review_id: 'r',
        reviewer: 'x',
        state: 'approved',
        submitted_at: NOW,
      },
      {
        kind: 'test_result',
        test_id: 't',
        run_id: 'r',
        name: 'n',
        status: 'passed',
        retries: huge,
        executed_at: NOW,
      },
      { kind: 'experiment', id: 'e', name: 'n', started_at: NOW, participants: huge },
    ];
    const fields = ['exit_code', 'exit_code', 'attempt', 'pr_number', 'retries', 'participants'];
    for (const [i, rec] of records.entries()) {
      const body = await refused(ingestOne(rec), 400, 'invalid_records');
      expect(body.error.message).toContain(`(${rec.kind}): ${fields[i]}: expected`);
      expect(body.error.message).toContain('2147483647');
    }
    // The largest 32-bit value is still accepted.
    const ok = await send('/api/v1/ingest', { body: { records: [{ ...records[2], attempt: 2 ** 31 - 1 }] } });
    expect(ok.status).toBe(200);
  });

  it('instants at year 0, before it, at year 10000 and at the date maximum, in records and windows', async () => {
    for (const at of [
      '0000-01-01',
      '0000-12-31T23:59:59Z',
      '+010000-01-01T00:00:00Z',
      8.64e15,
      -62198755200000,
      253402300800000,
    ]) {
      const body = await refused(
        ingestOne({ kind: 'annotation', id: 'a', title: 't', occurred_at: at }),
        400,
        'invalid_records',
      );
      expect(body.error.message).toContain('occurred_at');
    }
    const y0 = await refused(
      ingestOne({ kind: 'annotation', id: 'a', title: 't', occurred_at: '0000-06-01' }),
      400,
      'invalid_records',
    );
    expect(y0.error.message).toContain('years 0001 to 9999');
    for (const q of ['from=0000-01-01&to=2025-01-01', 'from=2025-01-01&to=10000-01-01'])
      await refused(() => send(`/api/v1/dora?${q}`), 400, 'invalid_argument');
    await refused(
      () =>
        send('/api/v1/deployments', {
          body: { service: 's', environment: 'e', sha: 'abcdef1', at: '0000-01-01' },
        }),
      400,
      'invalid_argument',
    );
    // The edges themselves are stored and read back on both engines.
    const edges = await send('/api/v1/ingest', {
      body: {
        records: [
          { kind: 'annotation', id: 'first', title: 't', occurred_at: '0001-01-01T00:00:00Z' },
          { kind: 'annotation', id: 'last', title: 't', occurred_at: '9999-12-31T23:59:59Z' },
        ],
      },
    });
    expect(edges.status).toBe(200);
    const rows = await f.store.query<{ id: string; occurred_at: Date }>(
      `select id, occurred_at from annotations where id in ('first', 'last') order by id`,
    );
    expect(rows.map((r) => r.occurred_at.toISOString())).toEqual([
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.000Z',
    ]);
    // A window near year 1 whose previous window would start before it reads on both engines.
    for (const p of [
      '/api/v1/report?from=0001-01-02&to=0001-01-10',
      '/api/v1/headline?from=0001-01-02&to=0001-01-10',
      '/api/v1/insights?from=0001-01-02&to=0001-02-10',
    ]) {
      const r = await send(p);
      expect(r.status, `${p} ${await r.clone().text()}`).toBe(200);
    }
  });

  it('NUL characters and lone surrogates anywhere in a record name the record and field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'annotation', id: 'a\u0000b', title: 't', occurred_at: NOW }, 'id'],
      [{ kind: 'annotation', id: 'a', title: 'lone \ud800 high', occurred_at: NOW }, 'title'],
      [{ kind: 'annotation', id: 'a', title: 'lone \udc00 low', occurred_at: NOW }, 'title'],
      [
        { kind: 'metric_point', name: 'ci.cache.hit', occurred_at: NOW, value: 1, tags: { 'k\u0000': 'v' } },
        'tags.(key)',
      ],
      [
        {
          kind: 'pull_request',
          repo: 'a/b',
          number: 1,
          author: 'x',
          state: 'open',
          created_at: NOW,
          labels: ['ok', 'b\udfff'],
        },
        'labels.1',
      ],
    ];
    for (const [rec, field] of cases) {
      const body = await refused(ingestOne(rec), 400, 'invalid_records');
      expect(body.error.message).toMatch(
        new RegExp(`^record 0 \\(${rec.kind}\\): ${field.replace(/[.()]/g, '\\$&')}: holds`),
      );
    }
    // A surrogate pair (an emoji) is a real character and is kept.
    expect(
      (await ingestOne({ kind: 'annotation', id: 'emoji', title: '🚀', occurred_at: NOW })()).status,
    ).toBe(200);
    await refused(
      () => send('/api/v1/deployments', { body: { service: 's\u0000', environment: 'e', sha: 'abcdef1' } }),
      400,
      'invalid_records',
    );
    await refused(() => send('/api/v1/incidents/a%00b/resolve', { body: {} }), 400, 'invalid_argument');
    await refused(
      () => send('/api/v1/tokens', { body: { name: 'x\u0000', scopes: ['read'] } }),
      400,
      'invalid_argument',
    );
  });

  it('identifiers over 500 bytes are refused; three of 500 bytes fit one key on both engines', async () => {
    // Random text: PostgreSQL compresses a repeated one below its index limit.
    const random = (n: number) =>
      Array.from({ length: n }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join('');
    const body = await refused(
      ingestOne({ kind: 'annotation', id: random(3000), title: 't', occurred_at: NOW }),
      400,
      'invalid_records',
    );
    expect(body.error.message).toContain('id: is 9000 bytes long; an identifier is at most 500 bytes');
    await refused(
      ingestOne({
        kind: 'deployment',
        id: 'd',
        service: random(200),
        environment: 'e',
        sha: 'abcdef1',
        started_at: NOW,
      }),
      400,
      'invalid_records',
    );
    const emoji = '😀'.repeat(125); // 500 bytes of UTF-8 each
    const ok = await ingestOne({
      kind: 'survey_response',
      survey: emoji,
      respondent: `${emoji.slice(2)}ab`,
      question: emoji,
      answered_at: NOW,
    })();
    expect(ok.status, await ok.clone().text()).toBe(200);
  });

  it('a webhook event named like an object property is ignored, not a crash', async () => {
    for (const event of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const body = '{}';
      const r = await f.app.request('/api/v1/webhooks/github', {
        method: 'POST',
        headers: {
          'x-github-event': event,
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        },
        body,
      });
      expect(r.status, event).toBe(202);
    }
    for (const kind of ['toString', '__proto__', 'constructor'])
      await refused(ingestOne({ kind }), 400, 'invalid_records');
  });

  it('a filter value with a NUL is refused alike on both engines', async () => {
    for (const v of ['%00', 'a%00b']) {
      const body = await refused(() => send(`/api/v1/dora?team=${v}`), 400, 'invalid_argument');
      expect(body.error.message).toMatch(/team.*NUL/);
    }
  });

  it('a webhook body that is not UTF-8 is a 400 naming the offset, not a replaced character', async () => {
    const body = Buffer.concat([
      Buffer.from('{"action":"completed","x":"'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    const r = await f.app.request('/api/v1/webhooks/github', {
      method: 'POST',
      headers: {
        'x-github-event': 'workflow_run',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    const env = (await r.json()) as Envelope;
    expect(r.status, JSON.stringify(env)).toBe(400);
    expect(env.error.message).toContain('byte offset 27');
  });

  it('malformed percent-encoding or a NUL in a static path', async () => {
    for (const p of ['/%E0%A4%A', '/assets/%', '/a%00b.js'])
      await refused(() => send(p), 400, 'invalid_argument');
    expect((await send('/some/client/route')).status).toBe(200);
  });
});

describe.each(ENGINES)("Node's own refusals carry the envelope over a real socket on %s", (engine) => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let server: RunningServer;
  beforeAll(async () => {
    t = await openTestStore(engine);
    server = await startServer({
      store: t.store,
      config: testConfig(),
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      schedule: false,
    });
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it('headers over the limit: 431 request_header_too_large', async () => {
    const raw = await rawExchange(
      server.url,
      `GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const { status, body } = envelopeOf(raw);
    expect(status).toBe(431);
    expect(body.error.code).toBe('request_header_too_large');
  });

  it('a URL over the limit: 414 uri_too_long', async () => {
    const raw = await rawExchange(
      server.url,
      `GET /api/v1/dora?team=${'a'.repeat(20_000)} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`,
    );
    const { status, body } = envelopeOf(raw);
    expect(status).toBe(414);
    expect(body.error.code).toBe('uri_too_long');
  });

  it('a malformed request: 400 invalid_argument, and the server answers the next one', async () => {
    const { status, body } = envelopeOf(await rawExchange(server.url, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_argument');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('PostgreSQL down answers 503 store_unavailable', () => {
  let proxy: Server;
  let sockets: Socket[] = [];
  let t: Awaited<ReturnType<typeof openTestStore>>;
  beforeAll(async () => {
    t = await openTestStore('postgres');
    await t.store.close();
  });
  afterAll(async () => {
    proxy?.close();
    await t?.cleanup();
  });

  it('answers 503 with the envelope while the server is unreachable', async () => {
    // A TCP relay in front of the real server: closing it is the server going away.
    const target = new URL(t.config.databaseUrl!);
    const open = () =>
      new Promise<Server>((resolve) => {
        const s = createServer((c) => {
          const up = connect(Number(target.port), target.hostname);
          sockets.push(c, up);
          c.pipe(up).pipe(c);
          c.on('error', () => up.destroy());
          up.on('error', () => c.destroy());
        });
        s.listen(0, '127.0.0.1', () => resolve(s));
      });
    proxy = await open();
    const port = (proxy.address() as { port: number }).port;
    const url = new URL(t.config.databaseUrl!);
    url.port = String(port);
    const store = await openStore({ databaseUrl: url.toString() });
    try {
      const ctx = createContext({ store, config: testConfig(), logger: silent });
      const app = buildApp(ctx, { anonymousRead: true, bodyLimitBytes: 1 << 20 });
      expect((await app.request('/api/v1/teams')).status).toBe(200);
      // The server goes away: established connections drop, new ones are refused.
      const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
      for (const s of sockets) s.destroy();
      sockets = [];
      await closed;
      for (const path of ['/api/v1/repos', '/api/v1/sources', '/api/v1/dora', '/healthz']) {
        const r = await app.request(path);
        const body = (await r.json()) as Envelope;
        expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(503);
        expect(body.error.code).toBe('store_unavailable');
        expect(body.error.message).not.toContain('pitwall:pitwall');
      }
      const w = await app.request('/api/v1/ingest', { method: 'POST', body: '{"records":[]}' });
      expect([401, 503]).toContain(w.status);
    } finally {
      await store.close().catch(() => undefined);
    }
  });
});

describe('the CLI: bad input exits 2 with a named error and no stack trace', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  beforeAll(async () => {
    t = await openTestStore('postgres');
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  const env = () => ({ DATABASE_URL: t.config.databaseUrl! });

  it('collect junit --attempt 1e10', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-junit-'));
    try {
      writeFileSync(
        join(dir, 'r.xml'),
        '<testsuite name="s"><testcase classname="c" name="n" time="1"/></testsuite>',
      );
      const r = await cli(['collect', 'junit', join(dir, 'r.xml'), '--attempt', '1e10'], {
        cwd: dir,
        env: env(),
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('--attempt "1e10"');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('windows reaching year 0 and ids PostgreSQL cannot hold', async () => {
    for (const args of [
      ['dora', '--from', '0000-01-01', '--to', '2025-01-01'],
      ['record', 'incident', 'resolve', '--id', 'a\u0000b'],
      ['record', 'deployment', '--service', 's\ud800', '--env', 'prod', '--sha', 'abcdef1'],
    ]) {
      const r = await cli(args, { env: env() });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^pitwall: /);
      expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    }
  });
});
