import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { buildApp } from '../../src/server/app.js';
import { ENGINES } from '../helpers/stores.js';
import { asRoundedJson, bearer, serverFixture, tableCounts, WINDOW, type ServerFixture } from './setup.js';

interface Envelope {
  error: { code: string; message: string; details: unknown };
}

describe.each(ENGINES)('HTTP API in-process on %s', (engine) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await serverFixture(engine);
  });
  afterAll(async () => {
    await f?.t.cleanup();
  });

  const get = (path: string, token: string | null = f.tokens.read) =>
    f.app.request(path, { headers: token ? bearer(token) : {} });
  const post = (path: string, body: unknown, token: string | null = f.tokens.ingest) =>
    f.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  /** A bad request answers 4xx with the envelope and writes nothing. */
  async function rejects(res: Response | Promise<Response>, status: number, code: string): Promise<Envelope> {
    const before = await tableCounts(f);
    const r = await res;
    const body = (await r.json()) as Envelope;
    expect(r.status, JSON.stringify(body)).toBe(status);
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(body.error).toHaveProperty('details');
    expect(await tableCounts(f)).toEqual(before);
    return body;
  }

  it('serves metric values equal to registry.compute, with buckets, group-bys and filters', async () => {
    const from = new Date(WINDOW.from);
    const to = new Date(WINDOW.to);
    for (const [qs, req] of [
      ['', {}],
      ['&by=team', { by: 'team' }],
      ['&bucket=week&by=service', { bucket: 'week' as const, by: 'service' }],
      ['&team=payments', { where: { team: 'payments' } }],
    ] as const) {
      const r = await get(`/api/v1/metrics/dora.deploys.count?from=${WINDOW.from}&to=${WINDOW.to}${qs}`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { values: unknown };
      const direct = await f.ctx.registry.compute(f.t.store, 'dora.deploys.count', { from, to, ...req });
      expect(asRoundedJson(body.values)).toEqual(asRoundedJson(direct));
      expect(direct.length).toBeGreaterThan(0);
    }
  });

  it('serves the registry, the report and every dashboard read', async () => {
    const reg = (await (await get('/api/v1/registry')).json()) as { metrics: { name: string }[] };
    expect(reg.metrics.map((m) => m.name)).toEqual(f.ctx.registry.list().map((d) => d.name));
    const report = await (await get(`/api/v1/report?from=${WINDOW.from}&to=${WINDOW.to}&by=team`)).json();
    const direct = await buildReport(f.t.store, f.ctx.registry, f.config, {
      from: new Date(WINDOW.from),
      to: new Date(WINDOW.to),
      by: 'team',
    });
    expect(asRoundedJson(report)).toEqual(asRoundedJson(direct));
    const shapes: Record<string, string[]> = {
      '/api/v1/dora?by=service': ['rows', 'overall'],
      '/api/v1/dxi': ['dxi', 'terms'],
      '/api/v1/ci/stages': ['stages', 'speedUpFirst'],
      '/api/v1/ci/queue-heatmap?workflow=ci': ['cells'],
      '/api/v1/tests/flaky': ['tests'],
      '/api/v1/testenv/failures': ['categories'],
      '/api/v1/insights?team=payments': ['attention', 'wins'],
      '/api/v1/headline': ['hoursSaved', 'hoursSavedInputs', 'developers'],
      '/api/v1/teams': ['teams'],
      '/api/v1/repos': ['repos'],
      '/api/v1/sources': ['sources'],
    };
    for (const [path, keys] of Object.entries(shapes)) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      const body = (await r.json()) as Record<string, unknown>;
      for (const k of keys) expect(body, path).toHaveProperty(k);
    }
    const heat = (await (await get('/api/v1/ci/queue-heatmap')).json()) as {
      cells: { weekday: number; hour: number; jobs: number }[];
    };
    expect(heat.cells.length).toBeGreaterThan(0);
    for (const c of heat.cells) {
      expect(c.weekday).toBeGreaterThanOrEqual(1);
      expect(c.weekday).toBeLessThanOrEqual(7);
      expect(c.hour).toBeLessThan(24);
    }
    const explain = (await (await get('/api/v1/metrics/dora.deploys.count/explain?limit=3')).json()) as {
      rows: unknown[];
      total: number;
    };
    expect(explain.rows.length).toBe(3);
    expect(explain.total).toBeGreaterThan(3);
  });

  it('rejects bad queries with the envelope: bad dates, unknown metric, unknown group', async () => {
    const bad = await rejects(
      get('/api/v1/metrics/dora.deploys.count?from=yesterday'),
      400,
      'invalid_argument',
    );
    expect(bad.error.message).toContain('from');
    await rejects(
      get(`/api/v1/metrics/dora.deploys.count?from=${WINDOW.to}&to=${WINDOW.from}`),
      400,
      'invalid_argument',
    );
    await rejects(get('/api/v1/metrics/dora.nope.count'), 400, 'invalid_argument');
    const group = await rejects(get('/api/v1/metrics/dora.deploys.count?by=planet'), 400, 'invalid_argument');
    expect(group.error.message).toContain('planet');
    await rejects(get('/api/v1/metrics/dora.deploys.count?bucket=year'), 400, 'invalid_argument');
    await rejects(get('/api/v1/report?by=planet'), 400, 'invalid_argument');
    await rejects(get('/api/v1/nothing-here'), 404, 'not_found');
  });

  it('ingests idempotently, and rejects a bad batch naming each bad record', async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({
      kind: 'deployment',
      id: `api-test-${i}`,
      service: 'payments-api',
      environment: 'staging',
      sha: 'abcdef1234',
      started_at: '2025-02-10T10:00:00Z',
    }));
    const first = await post('/api/v1/ingest', { records });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ written: { deployment: 5 }, total: 5 });
    const after = await tableCounts(f);
    expect((await post('/api/v1/ingest', { records })).status).toBe(200);
    expect(await tableCounts(f)).toEqual(after);

    const bad = records.map((r, i) => (i === 3 ? { ...r, id: 'api-test-new', sha: 'not a sha' } : r));
    const body = await rejects(post('/api/v1/ingest', { records: bad }), 400, 'invalid_records');
    expect((body.error.details as { problems: unknown[] }).problems).toEqual([
      expect.objectContaining({ index: 3, kind: 'deployment', field: 'sha' }),
    ]);
    await rejects(post('/api/v1/ingest', '{"records": [1,'), 400, 'invalid_argument');
    await rejects(post('/api/v1/ingest', { rows: [] }), 400, 'invalid_argument');
    const big = JSON.stringify({ records: [{ kind: 'team', team: 'x', name: 'y'.repeat(6 * 1024 * 1024) }] });
    await rejects(post('/api/v1/ingest', big), 413, 'payload_too_large');
  });

  it('answers 401 without or with an unknown token, 403 without the scope', async () => {
    await rejects(get('/api/v1/registry', null), 401, 'unauthorized');
    await rejects(get('/api/v1/registry', 'pw_not-a-token'), 401, 'unauthorized');
    await rejects(get('/metrics', null), 401, 'unauthorized');
    await rejects(post('/api/v1/ingest', { records: [] }, null), 401, 'unauthorized');
    await rejects(post('/api/v1/ingest', { records: [] }, f.tokens.read), 403, 'forbidden');
    await rejects(get('/api/v1/registry', f.tokens.ingest), 403, 'forbidden');
    await rejects(post('/api/v1/tokens', { name: 'x', scopes: ['read'] }, f.tokens.ingest), 403, 'forbidden');
    // admin implies every scope
    expect((await get('/api/v1/registry', f.tokens.admin)).status).toBe(200);
  });

  it('stores tokens only as sha256 hashes, and revoked tokens stop working', async () => {
    const r = await post('/api/v1/tokens', { name: 'grafana', scopes: ['read'] }, f.tokens.admin);
    expect(r.status).toBe(201);
    const { id, token } = (await r.json()) as { id: string; token: string };
    const rows = await f.t.store.query<Record<string, unknown>>('select * from api_tokens');
    const dump = JSON.stringify(rows);
    for (const raw of [token, f.tokens.read, f.tokens.ingest, f.tokens.admin])
      expect(dump).not.toContain(raw);
    const mine = rows.find((x) => x.id === id)!;
    expect(mine.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect((await get('/api/v1/teams', token)).status).toBe(200);
    await f.ctx.tokens.revoke(id);
    await rejects(get('/api/v1/teams', token), 401, 'unauthorized');
    await rejects(
      post('/api/v1/tokens', { name: 'x', scopes: ['root'] }, f.tokens.admin),
      400,
      'invalid_argument',
    );
  });

  it('opens reads, and only reads, to anonymous callers when told to', async () => {
    const open = buildApp(f.ctx, { anonymousRead: true, bodyLimitBytes: 1 << 20 });
    expect((await open.request('/api/v1/teams')).status).toBe(200);
    expect((await open.request('/metrics')).status).toBe(200);
    const w = await open.request('/api/v1/ingest', { method: 'POST', body: '{"records":[]}' });
    expect(w.status).toBe(401);
    expect((await get('/api/v1/teams', null)).status).toBe(401);
  });

  it('records deployments and incidents for CD tools', async () => {
    const d = await post('/api/v1/deployments', {
      service: 'payments-api',
      environment: 'production',
      sha: 'abcdef1234567',
      at: '2025-02-20T12:00:00Z',
    });
    expect(d.status).toBe(201);
    const { id } = (await d.json()) as { id: string };
    const again = await post('/api/v1/deployments', {
      service: 'payments-api',
      environment: 'production',
      sha: 'abcdef1234567',
      at: '2025-02-20T12:00:00Z',
    });
    expect(((await again.json()) as { id: string }).id).toBe(id);
    const i = await post('/api/v1/incidents', {
      service: 'payments-api',
      at: '2025-02-20T13:00:00Z',
      severity: 'sev2',
      deployment: id,
    });
    expect(i.status).toBe(201);
    const inc = ((await i.json()) as { id: string }).id;
    expect((await post(`/api/v1/incidents/${inc}/resolve`, { at: '2025-02-20T14:00:00Z' })).status).toBe(200);
    const [row] = await f.t.store.query<{ resolved_at: Date; caused_by_deployment: string }>(
      'select resolved_at, caused_by_deployment from incidents where id = $1',
      [inc],
    );
    expect(row!.resolved_at.toISOString()).toBe('2025-02-20T14:00:00.000Z');
    expect(row!.caused_by_deployment).toBe(id);
    await f.ctx.enrich.flush();
    await rejects(post('/api/v1/incidents/nope/resolve', {}), 404, 'not_found');
    await rejects(
      post(`/api/v1/incidents/${inc}/resolve`, { at: '2020-01-01T00:00:00Z' }),
      400,
      'invalid_argument',
    );
    await rejects(
      post('/api/v1/deployments', { service: 'x', environment: 'prod', sha: 'zz' }),
      400,
      'invalid_records',
    );
    await rejects(post('/api/v1/deployments', { service: 'x', sha: 'abcdef1' }), 400, 'invalid_argument');
    await rejects(
      post('/api/v1/incidents', { service: 'x', deployment: 'missing' }),
      400,
      'invalid_argument',
    );
  });

  it('exposes /metrics as Prometheus text with bounded labels', async () => {
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    const text = await r.text();
    const series = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) {
        if (line) expect(line).toMatch(/^# (HELP|TYPE) pitwall_[a-z0-9_]+ /);
        continue;
      }
      const m = /^(pitwall_[a-z0-9_]+)(\{([a-z]+)="[^"]*"\})? (-?[0-9.e+-]+|NaN)$/.exec(line);
      expect(m, line).not.toBeNull();
      if (m![3]) expect(['team', 'repo', 'service', 'workflow']).toContain(m![3]);
      series.set(m![1]!, (series.get(m![1]!) ?? 0) + 1);
    }
    expect(series.get('pitwall_dora_deploys_count')).toBeGreaterThan(1);
    for (const n of series.values()) expect(n).toBeLessThanOrEqual(50);
  });

  it('answers /healthz and serves a page naming the API when no web build exists', async () => {
    expect(await (await f.app.request('/healthz')).json()).toEqual({ ok: true, store: engine });
    const page = await f.app.request('/executive');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/api/v1/registry');
  });
});
