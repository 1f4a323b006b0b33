import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStatus } from '../../src/listeners/otlp/wire.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';
import { meterFor, tracerFor, type Protocol } from './otlp-sdk.js';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

interface SpanRow {
  span_id: string;
  parent_id: string | null;
  name: string;
  key: string | null;
  repo: string | null;
  status: string;
  failure_category: string | null;
  started_at: Date;
  ended_at: Date | null;
  attributes: string;
}

describe.each(ENGINES)(
  'OTLP/HTTP receiver of pitwall serve, with the OpenTelemetry JS SDK, on %s',
  (engine) => {
    let t: TestStore;
    let server: RunningServer;
    let ingestToken: string;
    let readToken: string;
    const q = <R extends object>(sql: string, params: unknown[] = []) =>
      t.store.query<R>(sql, params as never);
    const count = async (table: string) =>
      Number((await q<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n);

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
      ingestToken = (await server.ctx.tokens.create('otel', ['ingest'])).token;
      readToken = (await server.ctx.tokens.create('reader', ['read'])).token;
    });
    afterAll(async () => {
      await server?.close();
      await t?.cleanup();
    });

    it.each<Protocol>(['protobuf', 'json'])(
      'stores spans exported over %s with gzip: parent/child, status, attributes and times',
      async (protocol) => {
        const sdk = tracerFor(server.url, ingestToken, protocol, {
          'service.name': 'testenv-operator',
          'vcs.repository.url.full': 'https://github.com/acme/widgets.git',
        });
        const root = sdk.span(
          'testenv.provision',
          at(0),
          at(300),
          { branch: `feat/${protocol}`, ci_tests_complete: false, attempt: 2, 'error.type': 'image_pull' },
          undefined,
          'error',
        );
        sdk.span('testenv.checks', at(0), at(120), { 'step.index': 1 }, root, 'ok');
        sdk.span('testenv.kubernetes', at(120), at(300), {}, root);
        expect(await sdk.flush()).toEqual([]);
        await sdk.provider.shutdown();

        const traceId = root.spanContext().traceId;
        const rows = await q<SpanRow>(
          `select span_id, parent_id, name, key, repo, status, failure_category, started_at, ended_at, attributes
         from spans where span_id like $1 order by started_at, name`,
          [`${traceId}-%`],
        );
        expect(rows.map((r) => r.name)).toEqual([
          'testenv.checks',
          'testenv.provision',
          'testenv.kubernetes',
        ]);
        const [checks, prov, kube] = rows as [SpanRow, SpanRow, SpanRow];
        expect(prov.span_id).toBe(`${traceId}-${root.spanContext().spanId}`);
        expect(prov.parent_id).toBeNull();
        expect(checks.parent_id).toBe(prov.span_id);
        expect(kube.parent_id).toBe(prov.span_id);
        expect(prov).toMatchObject({ status: 'error', key: `feat/${protocol}`, repo: 'acme/widgets' });
        expect(prov.failure_category).toBe('image_pull');
        expect(checks.status).toBe('ok');
        expect(kube.status).toBe('unset');
        expect(new Date(prov.started_at).toISOString()).toBe(at(0).toISOString());
        expect(new Date(prov.ended_at!).toISOString()).toBe(at(300).toISOString());
        expect(JSON.parse(prov.attributes)).toMatchObject({
          ci_tests_complete: false,
          attempt: 2,
          'service.name': 'testenv-operator',
          'otel.trace_id': traceId,
        });
        expect(JSON.parse(checks.attributes)).toMatchObject({ 'step.index': 1 });
      },
    );

    it.each<[Protocol, 'delta' | 'cumulative']>([
      ['protobuf', 'delta'],
      ['json', 'cumulative'],
    ])(
      'stores metrics exported over %s (%s temporality) with gzip as metric points',
      async (protocol, temporality) => {
        const sdk = meterFor(
          server.url,
          ingestToken,
          protocol,
          { 'service.name': `svc-${protocol}` },
          temporality,
        );
        const m = sdk.meter;
        m.createCounter('builds.started').add(3, { repo: 'acme/widgets' });
        m.createCounter('builds.started').add(2, { repo: 'acme/widgets' });
        m.createGauge('queue.Depth').record(7, { pool: 'linux' });
        const h = m.createHistogram('build.duration', {
          advice: { explicitBucketBoundaries: [10, 20, 40, 80] },
        });
        for (const v of [5, 12, 15, 18, 25, 30, 35, 50, 60, 70]) h.record(v);
        const e = m.createHistogram('build.exp_duration');
        for (let i = 1; i <= 100; i++) e.record(i);
        expect(await sdk.flush()).toEqual([]);
        await sdk.shutdown();

        const rows = await q<{ name: string; type: string; value: number; tags: string }>(
          `select name, type, value, tags from metric_points where tags like $1 order by name`,
          [`%svc-${protocol}%`],
        );
        const by = Object.fromEntries(rows.map((r) => [r.name, { ...r, value: Number(r.value) }]));
        const sumType = temporality === 'delta' ? 'count' : 'gauge';
        expect(by['builds.started']).toMatchObject({ type: sumType, value: 5 });
        expect(JSON.parse(by['builds.started']!.tags)).toEqual({
          repo: 'acme/widgets',
          'service.name': `svc-${protocol}`,
        });
        expect(by['queue.depth']).toMatchObject({ type: 'gauge', value: 7 });
        expect(by['build.duration.count']).toMatchObject({ type: sumType, value: 10 });
        expect(by['build.duration.sum']!.value).toBe(320);
        expect(by['build.duration.min']!.value).toBe(5);
        expect(by['build.duration.max']!.value).toBe(70);
        // Rank 5 of 10 falls in (20, 40], which holds 3 values from rank 4: 20 + 20 * 1/3.
        expect(by['build.duration.p50']!.value).toBeCloseTo(20 + 20 / 3, 6);
        expect(by['build.duration.p99']!.value).toBeLessThanOrEqual(70);
        expect(by['build.exp_duration.count']!.value).toBe(100);
        expect(by['build.exp_duration.sum']!.value).toBe(5050);
        // An exponential bucket at the SDK's default scale is a few percent wide at most.
        expect(Math.abs(by['build.exp_duration.p50']!.value - 50) / 50).toBeLessThan(0.05);
        expect(Math.abs(by['build.exp_duration.p90']!.value - 90) / 90).toBeLessThan(0.05);
      },
    );

    it('turns a CI pipeline emitted with the CI/CD semantic conventions into runs and jobs the CI metrics read', async () => {
      const sdk = tracerFor(server.url, ingestToken, 'protobuf', { 'service.name': 'ci' });
      const vcs = {
        'vcs.repository.url.full': 'https://github.com/acme/pipelines',
        'vcs.ref.head.name': 'main',
        'vcs.ref.head.revision': 'ABCDEF1234567890abcdef1234567890abcdef12',
      };
      const run = sdk.span(
        'cicd.pipeline.run',
        at(0),
        at(600),
        {
          ...vcs,
          'cicd.pipeline.name': 'build-and-test',
          'cicd.pipeline.run.id': 'run-77',
          'cicd.pipeline.result': 'failure',
        },
        undefined,
        'error',
      );
      // The collector's GitHub receiver layout: the job span starts when the job was created, a
      // queue child lasts until it started, steps below it.
      const compile = sdk.span(
        'compile',
        at(0),
        at(200),
        {
          'cicd.pipeline.task.name': 'compile',
          'cicd.pipeline.task.run.id': 'job-1',
          'cicd.pipeline.task.type': 'build',
          'cicd.pipeline.task.run.result': 'success',
        },
        run,
      );
      sdk.span('queue-compile', at(0), at(30), {}, compile);
      sdk.span('npm ci', at(30), at(100), { 'cicd.pipeline.task.name': 'npm ci' }, compile);
      // A task span that carries its queue time as an attribute, starting when it started.
      sdk.span(
        'test',
        at(212),
        at(600),
        {
          'cicd.pipeline.task.name': 'test',
          'cicd.pipeline.task.run.id': 'job-2',
          'cicd.pipeline.task.type': 'test',
          'cicd.pipeline.task.run.result': 'failure',
          'cicd.pipeline.task.run.queue.duration': 12,
        },
        run,
        'error',
      );
      expect(await sdk.flush()).toEqual([]);
      await sdk.provider.shutdown();

      const runs = await q<Record<string, unknown>>(
        `select * from pipeline_runs where repo = 'acme/pipelines'`,
      );
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        run_id: 'run-77',
        attempt: 1,
        workflow: 'build-and-test',
        branch: 'main',
        sha: 'abcdef1234567890abcdef1234567890abcdef12',
        status: 'completed',
        conclusion: 'failure',
      });
      const jobs = await q<{
        job_id: string;
        name: string;
        stage: string;
        conclusion: string;
        created_at: Date;
        started_at: Date;
        completed_at: Date;
        run_id: string;
        workflow: string;
      }>(
        `select job_id, name, stage, conclusion, created_at, started_at, completed_at, run_id, workflow
       from pipeline_jobs where repo = 'acme/pipelines' order by job_id`,
      );
      expect(jobs.map((j) => [j.job_id, j.name, j.stage, j.conclusion, j.run_id, j.workflow])).toEqual([
        ['job-1', 'compile', 'build', 'success', 'run-77', 'build-and-test'],
        ['job-2', 'test', 'test', 'failure', 'run-77', 'build-and-test'],
      ]);
      const iso = (d: Date) => new Date(d).toISOString();
      expect([iso(jobs[0]!.created_at), iso(jobs[0]!.started_at)]).toEqual([
        at(0).toISOString(),
        at(30).toISOString(),
      ]);
      expect([iso(jobs[1]!.created_at), iso(jobs[1]!.started_at)]).toEqual([
        at(200).toISOString(),
        at(212).toISOString(),
      ]);

      // The registry's CI metrics over the window read the OpenTelemetry pipeline.
      const window = { from: at(-3600), to: at(3600) };
      const values = async (name: string) =>
        (await server.ctx.registry.compute(t.store, name, { ...window, by: 'repo' })).filter(
          (v) => v.group === 'acme/pipelines',
        );
      expect((await values('ci.runs.duration_p50_minutes')).map((v) => v.value)).toEqual([10]);
      // Queue times 30 s and 12 s: their median.
      expect((await values('ci.jobs.queue_p50_seconds')).map((v) => v.value)).toEqual([21]);
      expect((await values('ci.runs.success_rate')).map((v) => v.value)).toEqual([0]);
    });

    const otlpJson = (spanId: string) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: {
              attributes: [
                {
                  key: 'vcs.repository.url.full',
                  value: { stringValue: 'https://gitlab.example/acme/replayed' },
                },
                { key: 'cicd.pipeline.name', value: { stringValue: 'deploy' } },
                { key: 'cicd.pipeline.run.id', value: { intValue: '9007199254740993' } },
              ],
            },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId,
                    name: 'RUN deploy',
                    kind: 2,
                    startTimeUnixNano: String(BigInt(T0) * 1_000_000n),
                    endTimeUnixNano: String(BigInt(T0 + 90_000) * 1_000_000n),
                    status: { code: 1 },
                  },
                ],
              },
            ],
          },
        ],
      });

    const post = (signal: 'traces' | 'metrics', body: string | Uint8Array, headers: Record<string, string>) =>
      fetch(`${server.url}/v1/${signal}`, { method: 'POST', body: body as never, headers });
    const auth = () => ({ authorization: `Bearer ${ingestToken}` });

    it('answers OTLP JSON with an ExportTraceServiceResponse and writes a re-export once (stable ids)', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await post('traces', gzipSync(otlpJson('eee19b7ec3c1b174')), {
          ...auth(),
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('application/json');
        expect(await res.json()).toEqual({});
      }
      const runs = await q<{ run_id: string; workflow: string; conclusion: string }>(
        `select run_id, workflow, conclusion from pipeline_runs where repo = 'acme/replayed'`,
      );
      // A 64-bit run id past 2^53 is kept exactly.
      expect(runs).toEqual([{ run_id: '9007199254740993', workflow: 'deploy', conclusion: 'success' }]);
      expect(await count(`spans where span_id = '5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174'`)).toBe(
        1,
      );
    });

    it('refuses bad payloads with 4xx naming the problem and writes nothing', async () => {
      const before = {
        spans: await count('spans'),
        points: await count('metric_points'),
        runs: await count('pipeline_runs'),
      };
      const garbage = await post('traces', Buffer.from('this is not protobuf'), {
        ...auth(),
        'content-type': 'application/x-protobuf',
      });
      expect(garbage.status).toBe(400);
      expect(garbage.headers.get('content-type')).toBe('application/x-protobuf');
      const status = decodeStatus(new Uint8Array(await garbage.arrayBuffer()));
      expect(status.code).toBe(3);
      expect(status.message).toMatch(/not an OTLP traces export request in protobuf \(invalid wire type/);

      const garbageGzip = await post('metrics', gzipSync(Buffer.from([0xff, 0xff, 0xff, 0xff])), {
        ...auth(),
        'content-type': 'application/x-protobuf',
        'content-encoding': 'gzip',
      });
      expect(garbageGzip.status).toBe(400);
      const notGzip = await post('traces', 'plain', {
        ...auth(),
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(notGzip.status).toBe(400);
      expect((await notGzip.json()).message).toMatch(/not valid gzip/);

      // A small gzip that unpacks past the body limit (5 MB) is refused before it is decoded.
      const bomb = await post('traces', gzipSync(Buffer.alloc(6 * 1024 * 1024)), {
        ...auth(),
        'content-type': 'application/x-protobuf',
        'content-encoding': 'gzip',
      });
      expect(bomb.status).toBe(413);
      expect(decodeStatus(new Uint8Array(await bomb.arrayBuffer())).message).toMatch(
        /gunzipped body is over/,
      );

      const wrongType = await post('traces', otlpJson('aaaaaaaaaaaaaaaa'), {
        ...auth(),
        'content-type': 'text/plain',
      });
      expect(wrongType.status).toBe(415);
      expect((await wrongType.json()).message).toMatch(/application\/x-protobuf or application\/json/);
      const brotli = await post('traces', otlpJson('aaaaaaaaaaaaaaaa'), {
        ...auth(),
        'content-type': 'application/json',
        'content-encoding': 'br',
      });
      expect(brotli.status).toBe(415);

      const badJson = await post('traces', '{"resourceSpans": [', {
        ...auth(),
        'content-type': 'application/json',
      });
      expect(badJson.status).toBe(400);
      expect(await badJson.json()).toMatchObject({
        code: 3,
        message: expect.stringMatching(/not valid JSON/),
      });
      const wrongShape = await post('metrics', '{"resourceMetrics": {"a": 1}}', {
        ...auth(),
        'content-type': 'application/json',
      });
      expect(wrongShape.status).toBe(400);
      expect((await wrongShape.json()).message).toMatch(/resourceMetrics: array expected/);
      const badId = await post('traces', otlpJson('not-hex'), {
        ...auth(),
        'content-type': 'application/json',
      });
      expect(badId.status).toBe(400);
      expect((await badId.json()).message).toMatch(
        /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.spanId: expected 16 hex digits/,
      );
      const backwards = JSON.parse(otlpJson('bbbbbbbbbbbbbbbb'));
      backwards.resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano = '1000000';
      const ends = await post('traces', JSON.stringify(backwards), {
        ...auth(),
        'content-type': 'application/json',
      });
      expect(ends.status).toBe(400);
      expect((await ends.json()).message).toMatch(/spans\[0\]: ends .* before it starts/);

      const anonymous = await post('traces', otlpJson('cccccccccccccccc'), {
        'content-type': 'application/json',
      });
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).message).toMatch(/ingest scope/);
      const reader = await post('traces', otlpJson('cccccccccccccccc'), {
        authorization: `Bearer ${readToken}`,
        'content-type': 'application/json',
      });
      expect(reader.status).toBe(403);

      expect({
        spans: await count('spans'),
        points: await count('metric_points'),
        runs: await count('pipeline_runs'),
      }).toEqual(before);
    });

    it('reports what it cannot map as a partial success and writes the rest', async () => {
      const body = JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: '!!!',
                    gauge: { dataPoints: [{ timeUnixNano: String(BigInt(T0) * 1_000_000n), asDouble: 1 }] },
                  },
                  {
                    name: 'partial.ok',
                    gauge: { dataPoints: [{ timeUnixNano: String(BigInt(T0) * 1_000_000n), asInt: '4' }] },
                  },
                ],
              },
            ],
          },
        ],
      });
      const res = await post('metrics', body, { ...auth(), 'content-type': 'application/json' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        partialSuccess: {
          rejectedDataPoints: '1',
          errorMessage: expect.stringMatching(/"!!!" has no letters or digits/),
        },
      });
      expect(
        (await q<{ value: number }>(`select value from metric_points where name = 'partial.ok'`)).map((r) =>
          Number(r.value),
        ),
      ).toEqual([4]);
    });
  },
);
