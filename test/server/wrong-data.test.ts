import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createContext } from '../../src/server/server.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { bearer, silent } from './setup.js';

interface Envelope {
  error: { code: string; message: string; details: unknown };
}

/**
 * Input that used to be stored as something else, answered 200: what has one meaning is
 * normalised (tag order), what has none is refused naming the record and field, writing nothing.
 */
describe.each(ENGINES)('silently wrong data on %s', (engine) => {
  let t: TestStore;
  let app: ReturnType<typeof buildApp>;
  let tokens: { read: string; ingest: string };
  beforeAll(async () => {
    t = await openTestStore(engine);
    const ctx = createContext({
      store: t.store,
      config: testConfig(),
      logger: silent,
      clock: () => new Date('2026-03-01T00:00:00Z'),
    });
    app = buildApp(ctx, { anonymousRead: false, bodyLimitBytes: 1024 * 1024 });
    tokens = {
      read: (await ctx.tokens.create('reader', ['read'])).token,
      ingest: (await ctx.tokens.create('cd', ['ingest'])).token,
    };
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const ingest = (body: string | Uint8Array<ArrayBuffer>) =>
    app.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(tokens.ingest) },
      body,
    });
  const records = (...rs: unknown[]) => ingest(JSON.stringify({ records: rs }));
  const count = async (table: string) =>
    Number((await t.store.query<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n);

  async function refused(res: Response | Promise<Response>, table: string, code: string): Promise<Envelope> {
    const before = await count(table);
    const r = await res;
    const body = (await r.json()) as Envelope;
    expect(r.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe(code);
    expect(await count(table)).toBe(before);
    return body;
  }

  it('stores metric-point tags in any key order as one row', async () => {
    const point = { kind: 'metric_point', name: 'ci.cache.hit_rate', occurred_at: '2026-02-01T00:00:00Z' };
    const first = await records({ ...point, value: 0.5, tags: { repo: 'acme/api', runner: 'linux' } });
    expect(first.status).toBe(200);
    // Another request, and within one batch, with the keys the other way round: the same point.
    const second = await records(
      { ...point, value: 0.7, tags: { runner: 'linux', repo: 'acme/api' } },
      { ...point, value: 0.9, tags: { runner: 'linux', repo: 'acme/api' } },
    );
    expect(second.status).toBe(200);
    expect(((await second.json()) as { total: number }).total).toBe(1);
    const rows = await t.store.query<{ value: number; tags: string }>(
      `select value, tags from metric_points where name = 'ci.cache.hit_rate'`,
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.value)).toBe(0.9);
    expect(JSON.parse(rows[0]!.tags)).toEqual({ repo: 'acme/api', runner: 'linux' });
  });

  it('refuses a body that is not UTF-8 with the byte offset, writing nothing', async () => {
    // Two ids that differ only in a byte that is no UTF-8: replaced, both became "inc-\uFFFD".
    const head = Buffer.from('{"records":[');
    const incident = (bad: number) =>
      Buffer.concat([
        Buffer.from('{"kind":"incident","id":"inc-'),
        Buffer.from([bad]),
        Buffer.from('","service":"api","opened_at":"2026-02-01T00:00:00Z"}'),
      ]);
    const body = Buffer.concat([head, incident(0xff), Buffer.from(','), incident(0xfe), Buffer.from(']}')]);
    const e = await refused(ingest(new Uint8Array(body)), 'incidents', 'invalid_argument');
    const offset = head.length + '{"kind":"incident","id":"inc-'.length;
    expect(e.error.message).toContain(`byte offset ${offset}`);
    expect(e.error.details).toMatchObject({ field: 'body', offset });
  });

  it('refuses an incident resolved before it opened, naming the record and the fields', async () => {
    const e = await refused(
      records(
        { kind: 'incident', id: 'inc-ok', service: 'api', opened_at: '2026-02-01T00:00:00Z' },
        {
          kind: 'incident',
          id: 'inc-backwards',
          service: 'api',
          opened_at: '2026-02-02T00:00:00Z',
          resolved_at: '2026-02-01T00:00:00Z',
        },
      ),
      'incidents',
      'invalid_records',
    );
    expect(e.error.message).toMatch(/record 1 \(incident\): resolved_at: .*before opened_at/);
    // A zero duration is an instant fix, not an error.
    const zero = await records({
      kind: 'incident',
      id: 'inc-instant',
      service: 'api',
      opened_at: '2026-02-02T00:00:00Z',
      resolved_at: '2026-02-02T00:00:00Z',
    });
    expect(zero.status).toBe(200);
  });

  it('refuses other ends before their starts: runs, jobs, spans, deployments', async () => {
    const cases: [unknown, string, string][] = [
      [
        {
          kind: 'pipeline_run',
          repo: 'acme/api',
          run_id: '1',
          workflow: 'ci',
          created_at: '2026-02-01T00:00:00Z',
          started_at: '2026-02-01T00:10:00Z',
          completed_at: '2026-02-01T00:05:00Z',
        },
        'pipeline_runs',
        'completed_at',
      ],
      [
        {
          kind: 'pipeline_job',
          repo: 'acme/api',
          job_id: '1',
          run_id: '1',
          workflow: 'ci',
          name: 'test',
          started_at: '2026-02-01T00:10:00Z',
          completed_at: '2026-02-01T00:05:00Z',
        },
        'pipeline_jobs',
        'completed_at',
      ],
      [
        {
          kind: 'span',
          span_id: 's1',
          name: 'provision',
          started_at: '2026-02-01T00:10:00Z',
          ended_at: '2026-02-01T00:00:00Z',
        },
        'spans',
        'ended_at',
      ],
      [
        {
          kind: 'deployment',
          id: 'd1',
          service: 'api',
          environment: 'production',
          sha: 'abcdef1',
          started_at: '2026-02-01T00:10:00Z',
          finished_at: '2026-02-01T00:00:00Z',
        },
        'deployments',
        'finished_at',
      ],
    ];
    for (const [record, table, field] of cases) {
      const e = await refused(records(record), table, 'invalid_records');
      expect(e.error.message).toContain(`record 0 (${(record as { kind: string }).kind}): ${field}:`);
    }
  });

  it('refuses 2026-02-30 in a record and in a query parameter instead of rolling it over', async () => {
    const e = await refused(
      records({ kind: 'incident', id: 'inc-feb30', service: 'api', opened_at: '2026-02-30T10:00:00Z' }),
      'incidents',
      'invalid_records',
    );
    expect(e.error.message).toContain('record 0 (incident): opened_at:');
    expect(e.error.message).toContain('2026-02 has no day 30');
    const r = await app.request('/api/v1/metrics/dora.deploys.count?from=2026-02-30&to=2026-03-10', {
      headers: bearer(tokens.read),
    });
    const body = (await r.json()) as Envelope;
    expect(r.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('invalid_argument');
    expect(body.error.message).toContain('from');
    // A real leap day is a date.
    const leap = await app.request('/api/v1/metrics/dora.deploys.count?from=2024-02-29&to=2024-03-10', {
      headers: bearer(tokens.read),
    });
    expect(leap.status).toBe(200);
  });

  it('the CLI refuses 2026-02-30 as an option, exit 2, naming why', async () => {
    const env = t.config.databaseUrl
      ? { DATABASE_URL: t.config.databaseUrl }
      : { PITWALL_DB: t.config.duckdbPath };
    const r = await cli(['report', '--from', '2026-02-30', '--to', '2026-03-10'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from "2026-02-30" is not a date (2026-02 has no day 30');
  });
});
