import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, queryOnce, type TestStore } from '../helpers/stores.js';
import { workspace } from '../incidents/helpers.js';
import { startPrometheus, type PrometheusProcess } from '../prometheus/prometheus-process.js';
import { healthPoints, type Point } from './points.js';
import { startTarget, type Target } from './targets.js';

const JOB = 'exporters';
const TOKEN = 'prom-proxy-token-0123456789abcdef';
/** What the exporters expose, as Jenkins' and Harbor's own exporters would. */
const EXPOSITION = [
  '# TYPE jenkins_queue_size_value gauge',
  'jenkins_queue_size_value 28',
  '# TYPE harbor_project_total gauge',
  'harbor_project_total 17',
  '# TYPE node_filesystem_free_ratio gauge',
  'node_filesystem_free_ratio{mountpoint="/"} 0.42',
  'node_filesystem_free_ratio{mountpoint="/data"} 0.08',
  '',
].join('\n');

/**
 * A reverse proxy that wants a bearer token, as Prometheus usually sits behind one when it asks
 * for credentials (Prometheus itself takes only basic auth and TLS).
 */
async function startAuthProxy(
  upstream: string,
): Promise<{ url: string; seen: string[]; stop(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      return res.end('unauthorized');
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void fetch(`${upstream}${req.url ?? '/'}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      }).then(async (up) => {
        res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await up.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** By name, then value: a stable order for comparing rows. */
const order = (a: readonly unknown[], b: readonly unknown[]) => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

const byCheck = (points: Point[], name: string) =>
  points
    .filter((p) => p.tags.check === name)
    .map((p) => [p.name, p.value, p.tags] as const)
    .sort((a, b) => order(a, b));

let exporter: Target;
let prom: PrometheusProcess;
let proxy: Awaited<ReturnType<typeof startAuthProxy>>;

beforeAll(async () => {
  exporter = await startTarget(EXPOSITION);
  prom = await startPrometheus({ job: JOB, target: exporter.host });
  await prom.waitForScrape(JOB);
  proxy = await startAuthProxy(prom.url);
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  await prom?.stop();
  await exporter?.stop();
});

describe.each(ENGINES)('pitwall collect health against a real Prometheus on %s', (engine) => {
  let t: TestStore;
  let ws: ReturnType<typeof workspace>;
  const collect = (promql: unknown[], env: Record<string, string> = {}) =>
    ws.run(['collect', 'health', '--option', `promql=${JSON.stringify(promql)}`, '--json'], env);

  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    ws = workspace(t, {});
  });
  afterEach(async () => {
    ws?.cleanup();
    await t?.cleanup();
  });

  it('records each vector sample with its labels, a scalar without, and their states', async () => {
    const r = await collect([
      {
        name: 'queue',
        service: 'jenkins',
        prometheus_url: prom.url,
        query: 'jenkins_queue_size_value',
        warn: 10,
        crit: 20,
        unit: 'jobs',
      },
      {
        name: 'projects',
        service: 'harbor',
        prometheus_url: prom.url,
        query: 'scalar(harbor_project_total) * 2',
        warn: 100,
      },
      {
        name: 'disk',
        service: 'harbor',
        prometheus_url: prom.url,
        query: 'node_filesystem_free_ratio',
        direction: 'below',
        warn: 0.2,
        crit: 0.1,
      },
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ facts: { queries: 3, samples: 4, skipped: 0 } });
    const points = await healthPoints(t);
    const instance = exporter.host;
    const queue = { job: JOB, instance, service: 'jenkins', check: 'queue', unit: 'jobs' };
    expect(byCheck(points, 'queue')).toEqual([
      ['health.query', 28, queue],
      ['health.query_state', 2, queue],
    ]);
    const projects = { service: 'harbor', check: 'projects' };
    expect(byCheck(points, 'projects')).toEqual([
      ['health.query', 34, projects],
      ['health.query_state', 0, projects],
    ]);
    const root = { job: JOB, instance, mountpoint: '/', service: 'harbor', check: 'disk' };
    const data = { ...root, mountpoint: '/data' };
    expect(byCheck(points, 'disk')).toEqual(
      [
        ['health.query', 0.08, data],
        ['health.query', 0.42, root],
        ['health.query_state', 0, root],
        ['health.query_state', 2, data],
      ].sort((a, b) => order(a, b)),
    );
    // The values are Prometheus' own: the same query through its API agrees.
    expect((await prom.query('jenkins_queue_size_value'))[0]?.value).toBe(28);
  });

  it('a refused query is the source error; the checks that answered still land', async () => {
    const r = await collect([
      { name: 'queue', service: 'jenkins', prometheus_url: prom.url, query: 'jenkins_queue_size_value' },
      {
        name: 'broken',
        service: 'jenkins',
        prometheus_url: prom.url,
        query: 'rate(jenkins_queue_size_value[',
      },
      { name: 'range', service: 'jenkins', prometheus_url: prom.url, query: 'jenkins_queue_size_value[1m]' },
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /2 of 3 PromQL checks failed: broken: Prometheus at http:\/\/127\.0\.0\.1:\d+ refused the query .*bad_data/,
    );
    expect(r.stderr).toMatch(
      /range: the query "jenkins_queue_size_value\[1m\]" returned a range vector: give an instant vector or a scalar/,
    );
    expect((await healthPoints(t)).map((p) => [p.name, p.value, p.tags.check])).toEqual([
      ['health.query', 28, 'queue'],
      ['health.query_state', 0, 'queue'],
    ]);
    const [source] = await queryOnce<{ last_error: string | null }>(t, `select last_error from sources`);
    expect(source?.last_error).toMatch(/broken: .*bad_data/);
  });

  it('sends the bearer token from token_env to a Prometheus behind a proxy, and never shows or stores it', async () => {
    const check = {
      name: 'queue',
      service: 'jenkins',
      prometheus_url: proxy.url,
      query: 'jenkins_queue_size_value',
      token_env: 'PROM_TOKEN',
    };
    proxy.seen.length = 0;
    const r = await collect([check], { PROM_TOKEN: TOKEN });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.seen).toEqual([`Bearer ${TOKEN}`]);
    expect((await healthPoints(t)).find((p) => p.name === 'health.query')?.value).toBe(28);

    const wrong = await collect([check], { PROM_TOKEN: 'wrong-token-abcdef' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(
      /queue: Prometheus at http:\/\/127\.0\.0\.1:\d+ answered 401: check the token in PROM_TOKEN/,
    );
    expect(wrong.stderr + wrong.stdout).not.toContain('wrong-token-abcdef');
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
    const sources = await queryOnce<Record<string, unknown>>(t, `select * from sources`);
    expect(JSON.stringify(sources)).not.toContain(TOKEN);
    expect(JSON.stringify(sources)).not.toContain('wrong-token-abcdef');
  });
});
