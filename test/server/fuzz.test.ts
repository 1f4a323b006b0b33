import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordKindNames } from '../../src/domain/records.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES } from '../helpers/stores.js';
import { bearer } from './setup.js';
import { allRowCounts, lightFixture, type LightFixture } from './light-fixture.js';

/**
 * Property: whatever arrives, every answer is a 2xx or a coded 4xx/503 with the error envelope
 * (never a 500), the server keeps answering, and rows change only on a 2xx. Bounded: a fixed
 * seed (FUZZ_SEED to explore others) and FUZZ_RUNS requests per engine.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_901);
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SECRET = 'fuzz-webhook-secret';
const AT = '2025-02-10T12:00:00Z';

/** One valid record of every kind: the fuzz bends one field at a time. */
const VALID: Record<string, Record<string, unknown>> = {
  repo: { repo: 'acme/api', team: 'payments' },
  team: { team: 'payments', name: 'Payments' },
  person: { login: 'ada', name: 'Ada', email: 'ada@example.com' },
  commit: {
    repo: 'acme/api',
    sha: 'abcdef1234567',
    author: 'ada',
    authored_at: AT,
    committed_at: AT,
    parents: [],
  },
  tag: { repo: 'acme/api', name: 'v1', sha: 'abcdef1234567', tagged_at: AT },
  pull_request: { repo: 'acme/api', number: 7, author: 'ada', state: 'open', created_at: AT, labels: ['x'] },
  review: {
    repo: 'acme/api',
    pr_number: 7,
    review_id: 'r1',
    reviewer: 'bob',
    state: 'approved',
    submitted_at: AT,
  },
  deployment: { id: 'd1', service: 'api', environment: 'production', sha: 'abcdef1234567', started_at: AT },
  incident: { id: 'i1', service: 'api', opened_at: AT },
  annotation: { id: 'a1', occurred_at: AT, title: 'release' },
  pipeline_run: { repo: 'acme/api', run_id: 'r1', workflow: 'ci', created_at: AT, attempt: 1 },
  pipeline_job: { repo: 'acme/api', job_id: 'j1', run_id: 'r1', workflow: 'ci', name: 'build', needs: [] },
  test_result: { test_id: 't1', run_id: 'r1', name: 'works', status: 'passed', executed_at: AT, retries: 0 },
  span: { span_id: 's1', name: 'provision', started_at: AT, attributes: { a: 1 } },
  command: { id: 'c1', user_name: 'ada', command: 'npm test', exit_code: 0, started_at: AT, duration_ms: 10 },
  metric_point: { name: 'ci.cache.hit_rate', occurred_at: AT, value: 0.5, tags: { runner: 'x' } },
  survey_response: { survey: 'q1', respondent: 'ada', question: 'ease', answered_at: AT, score: 4 },
  feedback: { id: 'f1', occurred_at: AT, text: 'slow CI' },
  experiment: { id: 'e1', name: 'cache', started_at: AT, participants: 3 },
};

const OBJECT_NAMES = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'prototype'];
const hostileText = fc.oneof(
  fc.constantFrom(
    ...OBJECT_NAMES,
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    'NaN',
    'Infinity',
    '-1',
    '1e10',
    '0x10',
    'null',
    '9999-12-31T23:59:59Z',
    '+010000-01-01T00:00:00Z',
    '10000-01-01',
    '0000-01-01',
    '-000001-01-01',
    '2026-02-30',
    '2026-13-01',
    '2025-01-01T24:00:00Z',
    '275760-09-13',
    '%',
    '%E0%A4%A',
    '%00',
    '../../etc/passwd',
    'acme/api',
    'production',
    'ci.cache.hit_rate',
    'x'.repeat(3000),
  ),
  fc.string({ maxLength: 40 }),
  // Any UTF-16 code units, lone surrogates included.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 12 }),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(
    1e10,
    -1e10,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53,
    1.5,
    -0,
    8.64e15,
    -8.64e15,
    253402300800000,
    Number.MAX_VALUE,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileText,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(hostileText, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** A record of some kind with one field bent (changed, removed or added), or a valid one. */
const record = fc
  .record({
    kind: fc.oneof(fc.constantFrom(...recordKindNames), fc.constantFrom(...OBJECT_NAMES)),
    field: fc.option(
      fc.oneof(fc.constantFrom('kind', 'id', 'repo', 'sha', 'attempt', 'tags', 'exit_code'), hostileText),
    ),
    value: fc.option(hostileValue),
  })
  .map(({ kind, field, value }) => {
    const base: Record<string, unknown> = { kind, ...(VALID[kind] ?? {}) };
    if (field === null) return base;
    const fields = Object.keys(base);
    // A hostile name bends an existing field half the time, and is an extra field otherwise.
    const name = fields.includes(field) || field.length % 2 ? field : fields[field.length % fields.length]!;
    if (value === null) delete base[name];
    else Object.defineProperty(base, name, { value, enumerable: true, writable: true, configurable: true });
    return base;
  });

const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[^\w.-]/g, '%ED%A0%80'); // a lone surrogate's bytes: what a careless client sends
  }
};
const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('from', 'to', 'bucket', 'by', 'group', 'team', 'limit', 'repo', 'workflow'),
        hostileText,
      ),
      fc.oneof(hostileText, fc.constantFrom('2025-02-01', '2025-03-01', 'week', 'team', '10', '0', '-5')),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

const readPaths = [
  '/healthz',
  '/metrics',
  '/api/v1/registry',
  '/api/v1/metrics/dora.deploys.count',
  '/api/v1/metrics/ci.runs.count/explain',
  '/api/v1/report',
  '/api/v1/dora',
  '/api/v1/dxi',
  '/api/v1/ci/stages',
  '/api/v1/ci/queue-heatmap',
  '/api/v1/tests/flaky',
  '/api/v1/testenv/failures',
  '/api/v1/insights',
  '/api/v1/headline',
  '/api/v1/teams',
  '/api/v1/repos',
  '/api/v1/sources',
];
const json = (v: unknown) => JSON.stringify(v);
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

const call: fc.Arbitrary<Call> = fc.oneof(
  // Reads with odd query parameters.
  fc
    .tuple(fc.constantFrom(...readPaths), queryString)
    .map(([p, q]) => ({ method: 'GET' as const, path: `${p}?${q}` })),
  // A metric or a static path named by hostile text.
  fc
    .tuple(fc.constantFrom('/api/v1/metrics/', '/api/v1/metrics/x/explain#', '/', '/assets/'), hostileText)
    .map(([p, s]) => ({
      method: 'GET' as const,
      path: p.replace('#', '') + (p.endsWith('#') ? '' : encode(s)),
    })),
  fc
    .constantFrom('/%E0%A4%A', '/assets/%', '/a%00b', '/api/v1/metrics/%E0%A4%A', '/api/v1/%ZZ')
    .map((path) => ({ method: 'GET' as const, path })),
  // Ingest: a batch of bent records, or a malformed body.
  fc
    .array(record, { minLength: 1, maxLength: 4 })
    .map((records) => ({ method: 'POST' as const, path: '/api/v1/ingest', body: json({ records }) })),
  fc
    .oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('{', '[]', 'null', '{"records":{}}', '{"records":[1]}', '{"records":[],"x":1}'),
      hostileValue.map(json),
    )
    .map((body) => ({ method: 'POST' as const, path: '/api/v1/ingest', body: body ?? 'undefined' })),
  // Deliveries, tokens, webhooks: valid bodies with one field bent.
  fc
    .tuple(
      fc.constantFrom(
        ['/api/v1/deployments', { service: 'api', environment: 'production', sha: 'abcdef1234567', at: AT }],
        ['/api/v1/incidents', { service: 'api', at: AT, title: 't' }],
        ['/api/v1/incidents/i1/resolve', { at: '2025-02-11T00:00:00Z' }],
        ['/api/v1/tokens', { name: 'ci', scopes: ['read'] }],
      ),
      fc.option(
        fc.tuple(
          fc.oneof(
            fc.constantFrom('service', 'sha', 'at', 'id', 'name', 'scopes', 'deployment'),
            hostileText,
          ),
          hostileValue,
        ),
      ),
    )
    .map(([[path, body], bend]) => {
      const b: Record<string, unknown> = { ...(body as Record<string, unknown>) };
      if (bend)
        Object.defineProperty(b, bend[0], {
          value: bend[1],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return { method: 'POST' as const, path: path as string, body: json(b) };
    }),
  fc
    .tuple(hostileText, fc.constantFrom('/api/v1/incidents/', '/api/v1/incidents/i1%'))
    .map(([id, p]) => ({ method: 'POST' as const, path: `${p}${encode(id)}/resolve`, body: '{}' })),
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom(
          'workflow_run',
          'workflow_job',
          'pull_request',
          'pull_request_review',
          'deployment_status',
          'ping',
        ),
        hostileText,
      ),
      hostileValue,
    )
    .map(([event, payload]) => {
      const body = json({ action: 'completed', payload });
      return {
        method: 'POST' as const,
        path: '/api/v1/webhooks/github',
        body,
        headers: {
          'x-github-event': event.replace(/[^\t\x20-\x7e]/g, ''),
          'x-hub-signature-256': sign(body),
          'x-github-delivery': 'd-1',
        },
      };
    }),
);

interface Envelope {
  error: { code: string; message: string; details: unknown };
}

describe.each(ENGINES)('fuzz: every request answers 2xx or a coded 4xx/503 on %s', (engine) => {
  let f: LightFixture;
  let webRoot: string;
  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'pitwall-fuzz-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>t</title>');
    const base = testConfig();
    f = await lightFixture(engine, {
      webRoot,
      config: {
        github: { ...base.github, webhook_secret: SECRET },
        // Short reads, narrow windows: a hostile window answers fast, however it is answered.
        server: { ...base.server, read_timeout_ms: 3000, max_window_days: 400 },
      },
    });
    const seed = await f.app.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(f.token) },
      body: json({ records: Object.entries(VALID).map(([kind, r]) => ({ kind, ...r })) }),
    });
    expect(seed.status, await seed.clone().text()).toBe(200);
  });
  afterAll(async () => {
    await f?.cleanup();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it(`${RUNS} hostile requests over every endpoint and record kind`, async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(call, async (c) => {
        await f.ctx.enrich.flush(); // enrichment owed by an earlier accepted write settles first
        const before = await allRowCounts(f.store);
        const res = await f.app.request(c.path, {
          method: c.method,
          headers: { 'content-type': 'application/json', ...bearer(f.token), ...c.headers },
          body: c.body,
        });
        const text = await res.text();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        const where = `${c.method} ${c.path.slice(0, 200)} -> ${res.status} ${text.slice(0, 300)}`;
        expect(res.status, where).not.toBe(500);
        if (res.status < 300) return;
        expect([400, 401, 403, 404, 405, 409, 413, 414, 422, 431, 503], where).toContain(res.status);
        const body = JSON.parse(text) as Envelope;
        expect(body.error.code, where).toMatch(/^[a-z_]+$/);
        expect(body.error.message, where).toEqual(expect.any(String));
        expect(body.error, where).toHaveProperty('details');
        await f.ctx.enrich.flush();
        expect(await allRowCounts(f.store), where).toEqual(before);
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        endOnFailure: true,
        // Past 500s run first on every seed; random requests explore around them.
        examples: [
          [{ method: 'GET', path: '/%E0%A4%A' }],
          [{ method: 'GET', path: '/api/v1/report?from=0000-01-01&to=2025-01-01' }],
          [
            {
              method: 'POST',
              path: '/api/v1/ingest',
              body: json({ records: [{ kind: 'command', ...VALID.command, exit_code: 1e10 }] }),
            },
          ],
          [
            {
              method: 'POST',
              path: '/api/v1/ingest',
              body: json({ records: [{ kind: 'annotation', ...VALID.annotation, id: 'a\u0000' }] }),
            },
          ],
          [
            {
              method: 'POST',
              path: '/api/v1/webhooks/github',
              body: '{}',
              headers: { 'x-github-event': 'toString', 'x-hub-signature-256': sign('{}') },
            },
          ],
        ],
      },
    );
    // The server is still up, and the run exercised both sides.
    expect((await f.app.request('/healthz')).status).toBe(200);
    const ok = [...seen].filter(([s]) => s < 300).reduce((n, [, k]) => n + k, 0);
    expect(ok).toBeGreaterThan(RUNS / 20);
    expect(RUNS - ok).toBeGreaterThan(RUNS / 4);
  });
});
