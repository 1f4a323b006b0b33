import { createHmac, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/collectors/github/client.js';
import { collectGitHub } from '../../src/collectors/github/collect-org.js';
import { settingsFrom } from '../../src/cli/commands/collect-github.js';
import { configSchema } from '../../src/plugins.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';
import { startGitHubServer, type GitHubServer } from './server.js';

const SECRET = 'queue-time-secret';
const END = new Date('2024-06-03T00:00:00Z');
const JOBS_LIST = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs';
const ATTEMPT = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}';

/**
 * `github.jobs_via: graphql` keeps queue time: a job's creation time and runner (which GitHub's
 * GraphQL lacks) come from the `workflow_job` deliveries the server stored, a re-run's earlier
 * attempts from its `workflow_run` deliveries, and a run with a job none delivered is listed
 * over REST. Every job and run ends equal to a REST-only collection's.
 */
describe.each(ENGINES)('GitHub jobs from GraphQL with queue time from webhooks on %s', (engine) => {
  let gh: GitHubServer;
  let withHooks: TestStore;
  let restOnly: TestStore;
  let server: RunningServer;

  const collect = (store: Store, github: Record<string, unknown>) => {
    const config = configSchema.parse({ github: { graphql_min_interval_ms: 0, ...github } });
    return collectGitHub({
      store,
      config,
      client: createClient({
        auth: { type: 'token', token: 'x' },
        apiUrl: gh.url,
        logger: pino({ level: 'silent' }),
        graphqlMinIntervalMs: 0,
      }),
      settings: settingsFrom(config, null),
      repos: gh.truth!.records.repos.map((r) => ({ repo: r.repo, default_branch: 'main' })),
      logger: silent,
      concurrency: 2,
    });
  };
  const rows = (s: Store, sql: string) =>
    s
      .query<Record<string, unknown>>(sql)
      .then((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>[]);
  const jobs = (s: Store) =>
    rows(
      s,
      'select repo, job_id, run_id, attempt, name, created_at, started_at, completed_at, conclusion, runner from pipeline_jobs order by repo, job_id',
    );
  const runs = (s: Store) =>
    rows(
      s,
      'select repo, run_id, attempt, workflow, created_at, started_at, completed_at, status, conclusion from pipeline_runs order by repo, run_id, attempt',
    );

  beforeAll(async () => {
    gh = await startGitHubServer({ source: 'demo', demoOptions: { developers: 8, days: 14, end: END } });
    withHooks = await openTestStore(engine);
    restOnly = await openTestStore(engine);
    const base = configSchema.parse({});
    server = await startServer({
      store: withHooks.store,
      config: { ...base, github: { ...base.github, webhook_secret: SECRET } },
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      schedule: false,
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await withHooks?.cleanup();
    await restOnly?.cleanup();
    await gh?.stop();
  });

  async function deliver(event: 'workflow_job' | 'workflow_run', repo: string, body: unknown) {
    const text = JSON.stringify({ repository: { full_name: repo }, [event]: body });
    const r = await fetch(`${server.url}/api/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(text).digest('hex')}`,
      },
      body: text,
    });
    expect(r.status, await r.text()).toBe(200);
  }

  it('lists over REST only the runs no delivery covered, and loses no queue time, re-runs included', async () => {
    // Every attempt and job of every run is delivered, except the runs of every fifth position.
    const undelivered = new Set<number>();
    let undeliveredEarlier = 0;
    const deliveries: Parameters<typeof deliver>[] = [];
    let position = 0;
    for (const model of gh.data.repos.values())
      for (const run of model.runs) {
        if (position++ % 5 === 0) {
          undelivered.add(run.id);
          undeliveredEarlier += run.attempts.length - 1;
          continue;
        }
        for (const a of run.attempts) deliveries.push(['workflow_run', model.rest.full_name, a]);
        for (const job of run.jobs) deliveries.push(['workflow_job', model.rest.full_name, job]);
      }
    expect(undelivered.size).toBeGreaterThan(0);
    expect(undeliveredEarlier).toBeGreaterThan(0);
    // Eight at a time, as GitHub delivers concurrently.
    for (let i = 0; i < deliveries.length; i += 8)
      await Promise.all(deliveries.slice(i, i + 8).map((d) => deliver(...d)));

    gh.resetStats();
    await collect(withHooks.store, { jobs_via: 'graphql' });
    const requests = gh.stats().byKind;
    expect(requests[JOBS_LIST]).toBe(undelivered.size);
    expect(requests[ATTEMPT] ?? 0).toBe(undeliveredEarlier);

    await collect(restOnly.store, {});
    const want = await jobs(restOnly.store);
    expect(want.filter((j) => j.created_at !== null).length).toBeGreaterThan(want.length / 2);
    expect(want.some((j) => Number(j.attempt) > 1)).toBe(true);
    expect(await jobs(withHooks.store)).toEqual(want);
    expect(await runs(withHooks.store)).toEqual(await runs(restOnly.store));
  }, 180_000);

  it('with queue_time_fallback: none, reads no run twice and leaves undelivered jobs without queue time', async () => {
    const fresh = await openTestStore(engine);
    try {
      gh.resetStats();
      await collect(fresh.store, { jobs_via: 'graphql', queue_time_fallback: 'none' });
      const reruns = [...gh.data.repos.values()].flatMap((m) => m.runs).filter((r) => r.attempts.length > 1);
      expect(gh.stats().byKind[JOBS_LIST]).toBe(reruns.length);
      const stored = await jobs(fresh.store);
      const rerunIds = new Set(reruns.map((r) => String(r.id)));
      for (const j of stored) expect(j.created_at === null).toBe(!rerunIds.has(j.run_id as string));
    } finally {
      await fresh.cleanup();
    }
  }, 180_000);
});
