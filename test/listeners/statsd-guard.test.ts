import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import StatsDClient from 'hot-shots';
import { describe, expect, it } from 'vitest';
import { PitwallClient } from '../../src/client/index.js';
import { cli } from '../helpers/cli.js';
import { startServe } from '../helpers/serve-process.js';
import { ENGINES, openTestStore, queryOnce, storeEnv } from '../helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CONFIG = `statsd:
  enabled: true
  port: 0
  flush_interval_seconds: 0.2
  max_tag_sets_per_metric: 3
  tag_policy:
    drop: [branch, sha]
    bucket:
      customer: { buckets: 3 }
`;

describe.each(ENGINES)('cardinality guard through pitwall serve on %s', (engine) => {
  it(
    'folds tag sets past the cap into other:true, drops and buckets the policy keys, and shows the counts in the API and collectors list',
    { timeout: 90_000 },
    async () => {
      const t = await openTestStore(engine);
      const dir = mkdtempSync(join(tmpdir(), 'pitwall-statsd-guard-'));
      try {
        await t.store.close();
        writeFileSync(join(dir, 'pitwall.yaml'), CONFIG);
        const env = storeEnv(t);
        const serve = await startServe(['--anonymous-read'], { cwd: dir, env });
        let port = 0;
        for (let i = 0; i < 200 && !port; i++) {
          port = Number(/StatsD listener on udp 127\.0\.0\.1:(\d+)/.exec(serve.stderr())?.[1] ?? 0);
          if (!port) await sleep(25);
        }
        expect(port, serve.stderr()).toBeGreaterThan(0);
        const c = new StatsDClient({ host: '127.0.0.1', port, includeDatadogTelemetry: false });
        // Six repositories (three past the cap), each on its own branch and sha, twice.
        for (let round = 0; round < 2; round++)
          for (const repo of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'])
            c.increment('ci.jobs.started', 1, {
              repo,
              branch: `feat/${repo}-${round}`,
              sha: `${repo}${round}`,
            });
        for (let i = 0; i < 40; i++) c.increment('api.calls', 1, { customer: `cust-${i}` });
        await new Promise<void>((r) => c.close(() => r()));
        const raw = createSocket('udp4');
        await new Promise<void>((r) => raw.send('bad line|zz', port, '127.0.0.1', () => r()));
        raw.close();
        const client = new PitwallClient({ baseUrl: serve.url });
        let listeners = (await client.listeners()).listeners;
        for (let i = 0; i < 100 && (listeners[0]?.metrics ?? 0) + (listeners[0]?.malformed ?? 0) < 53; i++) {
          await sleep(100);
          listeners = (await client.listeners()).listeners;
        }
        expect(listeners).toHaveLength(1);
        const l = listeners[0]!;
        expect(l).toMatchObject({
          id: `statsd:127.0.0.1:${port}`,
          metrics: 52,
          malformed: 1,
          folded: 6,
          dropped: 24,
          bucketed: 40,
          healthy: true,
        });
        expect(l.recent_malformed[0]?.reason).toMatch(/name:value/);
        expect(l.guard).toEqual([
          {
            metric: 'ci.jobs.started',
            tag_sets: 3,
            folded: 6,
            dropped: 24,
            dropped_keys: ['branch', 'sha'],
            bucketed: 0,
          },
          { metric: 'api.calls', tag_sets: 3, folded: 0, dropped: 0, dropped_keys: [], bucketed: 40 },
        ]);
        serve.child.kill('SIGTERM');
        expect(await serve.exited, serve.stderr()).toBe(0);

        // The series: three repositories as sent, the rest summed into other:true; three buckets.
        const rows = await queryOnce<{ name: string; tags: string; value: number }>(
          t,
          `select name, tags, sum(value) as value from metric_points where name in ('ci.jobs.started', 'api.calls') group by name, tags order by name, tags`,
        );
        const series = rows.map((r) => [
          r.name,
          JSON.parse(r.tags) as Record<string, string>,
          Number(r.value),
        ]);
        expect(series.filter(([n]) => n === 'ci.jobs.started')).toEqual([
          ['ci.jobs.started', { other: 'true' }, 6],
          ['ci.jobs.started', { repo: 'r1' }, 2],
          ['ci.jobs.started', { repo: 'r2' }, 2],
          ['ci.jobs.started', { repo: 'r3' }, 2],
        ]);
        const calls = series.filter(([n]) => n === 'api.calls');
        expect(calls.reduce((s, [, , v]) => s + (v as number), 0)).toBe(40);
        expect(
          calls.every(([, tags]) => /^bucket-[0-2]-of-3$/.test((tags as Record<string, string>).customer!)),
        ).toBe(true);

        const json = await cli(['collectors', 'list', '--json'], { cwd: dir, env });
        expect(json.code, json.stderr).toBe(0);
        const kinds = JSON.parse(json.stdout) as {
          id: string;
          sources: { id: string; listener?: unknown }[];
        }[];
        const src = kinds.find((k) => k.id === 'listener')?.sources[0];
        expect(src).toMatchObject({
          id: l.id,
          listener: { folded: 6, dropped: 24, malformed: 1, guard: l.guard },
        });
        const text = await cli(['collectors', 'list'], { cwd: dir, env });
        expect(text.code, text.stderr).toBe(0);
        expect(text.stdout).toContain(l.id);
        expect(text.stdout).toContain('ci.jobs.started: 6 folded, 24 dropped (branch,sha)');
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.cleanup();
      }
    },
  );
});
