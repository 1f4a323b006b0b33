import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, type Engine } from '../helpers/stores.js';
import { bearer, DEMO_END, serverFixture, silent, type ServerFixture } from './setup.js';

interface Envelope {
  error: { code: string; message: string; details: unknown };
}

/**
 * Two metric points at the calendar's edges stretch the data's span to years 2-9998, so a wide
 * window stays wide after it is cut to the data: the reads below are heavy on purpose.
 */
const EDGES = {
  records: ['0002-01-01T00:00:00Z', '9998-01-01T00:00:00Z'].map((at) => ({
    kind: 'metric_point',
    name: 'probe.edge.marker',
    occurred_at: at,
    value: 1,
  })),
};
/** Open pull requests per day over 8,000 years: millions of buckets, each joined to every PR. */
const heavy = (i: number) =>
  `/api/v1/metrics/github.prs.open?bucket=day&from=0002-01-01&to=${9990 + i}-01-01`;

/** The demo fixture with some `server:` settings changed (the rest as configured by default). */
const withServer = (engine: Engine, server: Record<string, unknown>) =>
  serverFixture(engine, { config: { server: { ...testConfig().server, ...server } } });

async function stretched(engine: Engine, server: Record<string, unknown>) {
  const f = await withServer(engine, server);
  const res = await f.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(f.tokens.ingest) },
    body: JSON.stringify(EDGES),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const running = await startServer({
    store: f.t.store,
    config: f.config,
    logger: silent,
    host: '127.0.0.1',
    port: 0,
    clock: () => DEMO_END,
    schedule: false,
  });
  return { f, running };
}

describe('query windows on PostgreSQL', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await serverFixture('postgres');
  });
  afterAll(async () => {
    await f?.t.cleanup();
  });

  it('answers the year 1-9999 DORA window fast, with the numbers of the data’s own span', async () => {
    const t0 = performance.now();
    const wide = await f.app.request('/api/v1/dora?from=0001-01-01&to=9999-12-31', {
      headers: bearer(f.tokens.read),
    });
    const ms = performance.now() - t0;
    expect(wide.status, await wide.clone().text()).toBe(200);
    expect(ms).toBeLessThan(5000);
    // The window actually read is the data's span (ending no earlier than now).
    const probe = await f.app.request('/api/v1/metrics/dora.deploys.count?from=0001-01-01&to=9999-12-31', {
      headers: bearer(f.tokens.read),
    });
    const { from, to } = (await probe.json()) as { from: string; to: string };
    expect(new Date(from).getUTCFullYear()).toBeGreaterThan(2000);
    expect(to).toBe(DEMO_END.toISOString());
    const span = await f.app.request(`/api/v1/dora?from=${from}&to=${to}`, {
      headers: bearer(f.tokens.read),
    });
    expect(await wide.json()).toEqual(await span.json());
  });
});

describe.each(ENGINES)('read limits on %s', (engine) => {
  it('refuses a window wider than server.max_window_days, even cut to the data, with a coded 400', async () => {
    const f = await withServer(engine, { max_window_days: 7 });
    try {
      const res = await f.app.request('/api/v1/metrics/dora.deploys.count?from=2025-02-01&to=2025-03-01', {
        headers: bearer(f.tokens.read),
      });
      const body = (await res.json()) as Envelope;
      expect(res.status).toBe(400);
      expect(body.error.code).toBe('invalid_argument');
      expect(body.error.message).toMatch(/server\.max_window_days \(7\)/);
      expect(body.error.details).toMatchObject({ setting: 'server.max_window_days', max_window_days: 7 });
      // Inside the limit the same read answers.
      const ok = await f.app.request('/api/v1/metrics/dora.deploys.count?from=2025-02-20&to=2025-02-27', {
        headers: bearer(f.tokens.read),
      });
      expect(ok.status).toBe(200);
    } finally {
      await f.t.cleanup();
    }
  });

  it('answers a read past server.read_timeout_ms with a coded 503 naming the setting', async () => {
    const f = await withServer(engine, { read_timeout_ms: 1 });
    try {
      const res = await f.app.request('/api/v1/report?from=2025-02-01&to=2025-03-01', {
        headers: bearer(f.tokens.read),
      });
      const body = (await res.json()) as Envelope;
      expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(503);
      expect(body.error.code).toBe('query_timeout');
      expect(body.error.message).toMatch(/server\.read_timeout_ms \(1 ms\).*narrower window/);
      expect(body.error.details).toMatchObject({ setting: 'server.read_timeout_ms', timeout_ms: 1 });
    } finally {
      await f.t.cleanup();
    }
  });

  it('keeps /healthz answering while eight heavy reads run, and cancels them when their callers go', async () => {
    const { f, running } = await stretched(engine, { max_window_days: 4_000_000, read_timeout_ms: 120_000 });
    const callers = Array.from({ length: 8 }, () => new AbortController());
    let finished = 0;
    try {
      const reads = callers.map((a, i) =>
        fetch(running.url + heavy(i), { headers: bearer(f.tokens.read), signal: a.signal })
          .then((r) => r.text())
          .catch(() => undefined)
          .finally(() => finished++),
      );
      await new Promise((r) => setTimeout(r, 500));
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const h = await fetch(`${running.url}/healthz`);
        times.push(performance.now() - t0);
        expect(h.status).toBe(200);
      }
      // The reads were still running all along: health did not wait for them.
      expect(finished).toBe(0);
      expect(Math.max(...times)).toBeLessThan(1000);
      for (const a of callers) a.abort();
      await Promise.all(reads);
      // Their statements were cancelled, so the store answers a plain read at once.
      const t0 = performance.now();
      const teams = await fetch(`${running.url}/api/v1/teams`, { headers: bearer(f.tokens.read) });
      expect(teams.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(3000);
    } finally {
      for (const a of callers) a.abort();
      await running.close();
      await f.t.cleanup();
    }
  });
});

describe('a caller that goes away on PostgreSQL', () => {
  it('has its query cancelled in the database within a second', async () => {
    const { f, running } = await stretched('postgres', {
      max_window_days: 4_000_000,
      read_timeout_ms: 120_000,
    });
    const monitor = new pg.Client(f.t.config.databaseUrl);
    await monitor.connect();
    const active = async () =>
      (
        await monitor.query<{ query: string }>(
          `select query from pg_stat_activity
           where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
        )
      ).rows.filter((r) => r.query.includes('generate_series'));
    const caller = new AbortController();
    try {
      const read = fetch(running.url + heavy(0), {
        headers: bearer(f.tokens.read),
        signal: caller.signal,
      }).catch(() => undefined);
      const deadline = Date.now() + 10_000;
      while (!(await active()).length) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 50));
      }
      caller.abort();
      await read;
      const aborted = Date.now();
      while ((await active()).length) {
        expect(Date.now() - aborted).toBeLessThan(1500);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      caller.abort();
      await monitor.end();
      await running.close();
      await f.t.cleanup();
    }
  });
});
