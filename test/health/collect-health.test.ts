import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, queryOnce, type TestStore } from '../helpers/stores.js';
import { freePort } from '../prometheus/prometheus-process.js';
import { workspace } from '../incidents/helpers.js';
import { healthPoints, of } from './points.js';
import { selfSigned, startTarget, startTlsTarget, type SelfSigned, type Target } from './targets.js';

const DAY_MS = 86_400_000;

describe.each(ENGINES)('pitwall collect health (HTTP checks) on %s', (engine) => {
  let t: TestStore;
  let web: Target;
  let tls: Target;
  let cert: SelfSigned;
  let ws: ReturnType<typeof workspace>;
  const collect = (options: Record<string, unknown>, env: Record<string, string> = {}) =>
    ws.run(
      [
        'collect',
        'health',
        ...Object.entries(options).flatMap(([k, v]) => ['--option', `${k}=${JSON.stringify(v)}`]),
        '--json',
      ],
      env,
    );

  beforeAll(async () => {
    cert = selfSigned(30);
    web = await startTarget();
    tls = await startTlsTarget(cert);
  });
  afterAll(async () => {
    await web?.stop();
    await tls?.stop();
    cert?.cleanup();
  });
  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    ws = workspace(t, {});
  });
  afterEach(async () => {
    ws?.cleanup();
    await t?.cleanup();
  });

  it('records up, status, latency and state per service, from each check thresholds', async () => {
    const r = await collect({
      http: [
        { service: 'backstage', url: `${web.url}/ok`, warn_ms: 2000, crit_ms: 4000 },
        { service: 'harbor', url: `${web.url}/slow?ms=300`, warn_ms: 150, crit_ms: 4000 },
        { service: 'mattermost', url: `${web.url}/slow?ms=300`, warn_ms: 50, crit_ms: 150 },
        { service: 'jenkins', url: `${web.url}/fail` },
        { service: 'legacy', url: `${web.url}/moved` },
        { service: 'maintenance', url: `${web.url}/fail`, expect_status: 500 },
        { service: 'stuck', url: `${web.url}/slow?ms=3000`, timeout_ms: 200 },
      ],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      source: 'health:default',
      facts: { http_checks: 7, up: 5, down: 2, queries: 0 },
    });
    const points = await healthPoints(t);
    // Every point carries only the service tag.
    expect(new Set(points.map((p) => Object.keys(p.tags).join()))).toEqual(new Set(['service']));

    const ok = of(points, 'backstage');
    expect(ok).toMatchObject({ 'health.up': 1, 'health.status_code': 200, 'health.state': 0 });
    expect(ok['health.latency_ms']).toBeGreaterThan(0);
    expect(ok['health.latency_ms']).toBeLessThan(2000);
    // No certificate on plain http.
    expect(ok['health.cert_days_left']).toBeUndefined();

    const warn = of(points, 'harbor');
    expect(warn).toMatchObject({ 'health.up': 1, 'health.state': 1 });
    expect(warn['health.latency_ms']).toBeGreaterThanOrEqual(300);

    const crit = of(points, 'mattermost');
    expect(crit).toMatchObject({ 'health.up': 1, 'health.state': 2 });
    expect(crit['health.latency_ms']).toBeGreaterThanOrEqual(300);

    expect(of(points, 'jenkins')).toMatchObject({
      'health.up': 0,
      'health.status_code': 500,
      'health.state': 2,
    });
    // A redirect is an answer (3xx is expected by default), not followed.
    expect(of(points, 'legacy')).toMatchObject({
      'health.up': 1,
      'health.status_code': 302,
      'health.state': 0,
    });
    expect(of(points, 'maintenance')).toMatchObject({ 'health.up': 1, 'health.status_code': 500 });
    // A timeout has no answer: down, critical, and no status or latency to show.
    expect(of(points, 'stuck')).toEqual({ 'health.up': 0, 'health.state': 2 });
  });

  it("reads the leaf certificate's days left over https, and a certificate nobody trusts is down", async () => {
    const before = Date.now();
    const r = await collect({
      http: [
        { service: 'registry', url: `${tls.url}/ok`, ca_file: cert.certFile, cert_warn_days: 20 },
        { service: 'soon', url: `${tls.url}/ok`, ca_file: cert.certFile, cert_warn_days: 45 },
        { service: 'untrusted', url: `${tls.url}/ok` },
      ],
    });
    expect(r.code, r.stderr).toBe(0);
    const points = await healthPoints(t);
    const registry = of(points, 'registry');
    const expected = (cert.notAfter.getTime() - before) / DAY_MS;
    expect(registry['health.up']).toBe(1);
    expect(registry['health.status_code']).toBe(200);
    expect(Math.abs(registry['health.cert_days_left']! - expected)).toBeLessThan(0.01);
    expect(registry['health.cert_days_left']).toBeGreaterThan(29);
    expect(registry['health.state']).toBe(0);
    // 30 days left is inside a 45-day warning window.
    expect(of(points, 'soon')['health.state']).toBe(1);
    expect(of(points, 'untrusted')).toEqual({ 'health.up': 0, 'health.state': 2 });
  });

  it('an unreachable Prometheus is the source error, and the HTTP checks of the run still land', async () => {
    const closed = await freePort();
    const r = await collect({
      name: 'platform',
      http: [{ service: 'backstage', url: `${web.url}/ok` }],
      promql: [
        { name: 'queue', service: 'jenkins', prometheus_url: `http://127.0.0.1:${closed}`, query: 'up' },
      ],
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/queue: Prometheus unreachable at http:\/\/127\.0\.0\.1:\d+/);
    expect(of(await healthPoints(t), 'backstage')).toMatchObject({ 'health.up': 1, 'health.state': 0 });
    const [source] = await queryOnce<{ id: string; last_error: string | null }>(
      t,
      `select id, last_error from sources where kind = 'health'`,
    );
    expect(source?.id).toBe('health:platform');
    expect(source?.last_error).toMatch(/1 of 1 PromQL checks failed: queue: Prometheus unreachable/);
  });

  it.each([
    [{ http: [{ service: 'x' }] }, /http\.0\.url: required, e\.g\. https:/],
    [
      { http: [{ service: 'x', url: 'ftp://example.com' }] },
      /http\.0\.url: expected an http:\/\/ or https:\/\/ URL/,
    ],
    [
      { http: [{ service: 'x', url: 'http://example.com', warn_ms: 500, crit_ms: 100 }] },
      /http\.0\.warn_ms: warn_ms must not be above crit_ms/,
    ],
    [{ http: [{ service: 'x', url: 'http://example.com', expect_status: '2yy' }] }, /http\.0\.expect_status/],
    [
      { http: [{ service: 'x', url: 'http://example.com', timeout: 5 }] },
      /http\.0: unknown key timeout: an http check takes .*timeout_ms/,
    ],
    [{ http: [] }, /no checks: give at least one entry in http/],
    [
      {
        promql: [
          { name: 'q', service: 's', prometheus_url: 'http://127.0.0.1:1', query: 'up', warn: 10, crit: 5 },
        ],
      },
      /promql\.0\.warn: warn and crit are in the wrong order/,
    ],
    [
      {
        promql: [
          {
            name: 'q',
            service: 's',
            prometheus_url: 'http://127.0.0.1:1',
            query: 'up',
            token_env: 'PROM_TOKEN_UNSET',
          },
        ],
      },
      /promql\.0\.token_env: PROM_TOKEN_UNSET is not set/,
    ],
    [
      { http: [{ service: 'x', url: 'https://127.0.0.1:1', ca_file: 'missing.pem' }] },
      /http\.0\.ca_file: cannot read missing\.pem/,
    ],
  ])('refuses bad options %j with exit 2, naming the field, and writes nothing', async (options, message) => {
    const r = await collect(options);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await queryOnce(t, `select id from sources`)).toEqual([]);
    expect(await queryOnce(t, `select name from metric_points`)).toEqual([]);
  });
});
