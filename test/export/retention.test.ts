import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../src/export/retention.js';
import { retentionSection } from '../../src/export/retention-config.js';
import { decodeSketch, SketchMerger } from '../../src/export/sketch.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore } from '../../src/store/open.js';
import type { Store, Tx } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, storeEnv, type TestStore } from '../helpers/stores.js';
import { dayStart, seedWarehouse, statsdTimings } from './fixtures.js';

const DAY = 86_400_000;
const NAME = 'testenv.provision.total_duration';
const TABLES = {
  metric_points: 'occurred_at',
  metric_sketches: 'occurred_at',
  spans: 'started_at',
  commands: 'started_at',
};

interface Totals {
  rows: number;
  sum: number;
}

/** Raw rows before `cutoff` of each table, and the value sums the rollups must keep. */
async function rawTotals(store: Store, cutoff: Date): Promise<Record<string, Totals>> {
  const value: Record<string, string> = {
    metric_points: 'value',
    metric_sketches: 'sum',
    spans: 'extract(epoch from (ended_at - started_at)) * 1000',
    commands: 'duration_ms',
  };
  const out: Record<string, Totals> = {};
  for (const [t, col] of Object.entries(TABLES)) {
    const [r] = await store.query<{ n: number; s: number | null }>(
      `select count(*) as n, sum(${value[t]}) as s from ${t} where ${col} < $1::timestamp`,
      [cutoff],
    );
    out[t] = { rows: Number(r!.n), sum: Number(r!.s ?? 0) };
  }
  return out;
}

async function rollupTotals(store: Store): Promise<Record<string, Totals>> {
  const rows = await store.query<{ source: string; n: number; s: number | null }>(
    'select source, sum(raw_rows) as n, sum(sum) as s from daily_rollups group by source',
  );
  return Object.fromEntries(rows.map((r) => [r.source, { rows: Number(r.n), sum: Number(r.s ?? 0) }]));
}

/** The raw sketches of `NAME` per (day, repo) before the cutoff, merged: what the rollup must equal. */
async function rawSketchQuantiles(store: Store, cutoff: Date): Promise<Map<string, number[]>> {
  const rows = await store.query<{ occurred_at: Date; tags: string; sketch: string }>(
    'select occurred_at, tags, sketch from metric_sketches where name = $1 and occurred_at < $2::timestamp order by occurred_at',
    [NAME, cutoff],
  );
  const merged = new Map<string, SketchMerger>();
  for (const r of rows) {
    const k = `${dayStart(r.occurred_at).toISOString()} ${(JSON.parse(r.tags) as { repo: string }).repo}`;
    if (!merged.has(k)) merged.set(k, new SketchMerger(k));
    merged.get(k)!.addEncoded(r.sketch);
  }
  return new Map(
    [...merged].map(([k, m]) => [k, [0.5, 0.9, 0.99].map((q) => m.result!.getValueAtQuantile(q))]),
  );
}

/** The store, with one transaction's delete of `table` failing: what a crash mid-prune looks like. */
function failingDelete(store: Store, table: string, failOn: number): Store {
  let deletes = 0;
  return Object.assign(Object.create(store) as Store, {
    transaction: <T>(fn: (tx: Tx) => Promise<T>) =>
      store.transaction((tx) =>
        fn({
          upsert: (w) => tx.upsert(w),
          query: (sql, params) => {
            if (sql.startsWith(`delete from ${table}`) && ++deletes === failOn)
              throw new Error('disk full (injected)');
            return tx.query(sql, params);
          },
        }),
      ),
  });
}

for (const engine of ENGINES) {
  describe(`retention (${engine})`, () => {
    let ts: TestStore;
    const end = dayStart(new Date());
    const cutoff = new Date(end.getTime() - 2 * DAY);
    const cfg = retentionSection.parse({ metric_points: 2, metric_sketches: 2, spans: 2, commands: 2 });
    beforeAll(async () => {
      ts = await openTestStore(engine);
      await seedWarehouse(ts.store, end, 5);
      const { records } = statsdTimings(NAME, new Date(end.getTime() - 5 * DAY), end, 600, 9);
      await ingest(ts.store, records);
    });
    afterAll(() => ts.cleanup());

    it('a dry run reports the days it would prune and writes nothing', async () => {
      const before = await rawTotals(ts.store, cutoff);
      const r = await applyRetention(ts.store, cfg, { now: end, dryRun: true });
      expect(r.tables.map((t) => [t.table, t.cutoff.toISOString()])).toEqual(
        Object.keys(TABLES).map((t) => [t, cutoff.toISOString()]),
      );
      // Days 5, 4 and 3 before `end` are older than 2 days.
      expect(new Set(r.days.map((d) => d.day.toISOString()))).toEqual(
        new Set([5, 4, 3].map((d) => new Date(end.getTime() - d * DAY).toISOString())),
      );
      for (const [t, tot] of Object.entries(before))
        expect(r.days.filter((d) => d.table === t).reduce((n, d) => n + d.rawRows, 0)).toBe(tot.rows);
      expect(await rawTotals(ts.store, cutoff)).toEqual(before);
      expect(await ts.store.query('select * from daily_rollups')).toEqual([]);
    });

    it('a failure in one table-day keeps that day raw and loses nothing', async () => {
      const before = await rawTotals(ts.store, cutoff);
      await expect(applyRetention(failingDelete(ts.store, 'spans', 2), cfg, { now: end })).rejects.toThrow(
        /injected/,
      );
      const after = await rawTotals(ts.store, cutoff);
      const rolled = await rollupTotals(ts.store);
      // Every table's rows are either still raw or in a rollup, and the spans' second day is raw.
      for (const t of Object.keys(TABLES)) {
        expect((after[t]?.rows ?? 0) + (rolled[t]?.rows ?? 0)).toBe(before[t]!.rows);
        expect((after[t]?.sum ?? 0) + (rolled[t]?.sum ?? 0)).toBeCloseTo(before[t]!.sum, 3);
      }
      expect(after.spans!.rows).toBe((before.spans!.rows / 3) * 2);
    });

    it('rolls every old day up and prunes it: totals and merged-sketch percentiles equal the raw ones', async () => {
      // The raw state as if nothing had run yet is the sum of what is raw and what was rolled up.
      const fresh = await openTestStore(engine);
      try {
        await seedWarehouse(fresh.store, end, 5);
        const { records } = statsdTimings(NAME, new Date(end.getTime() - 5 * DAY), end, 600, 9);
        await ingest(fresh.store, records);
        const before = await rawTotals(fresh.store, cutoff);
        const quantiles = await rawSketchQuantiles(fresh.store, cutoff);
        const keptBefore = await fresh.store.query<{ n: number }>(
          'select count(*) as n from metric_points where occurred_at >= $1::timestamp',
          [cutoff],
        );
        const r = await applyRetention(fresh.store, cfg, { now: end });
        expect(r.days).toHaveLength(4 * 3);
        const after = await rawTotals(fresh.store, cutoff);
        for (const t of Object.keys(TABLES)) expect(after[t]!.rows).toBe(0);
        const rolled = await rollupTotals(fresh.store);
        for (const t of Object.keys(TABLES)) {
          expect(rolled[t]!.rows).toBe(before[t]!.rows);
          expect(rolled[t]!.sum).toBeCloseTo(before[t]!.sum, 3);
        }
        // Rows inside the retention are untouched.
        expect(
          await fresh.store.query<{ n: number }>(
            'select count(*) as n from metric_points where occurred_at >= $1::timestamp',
            [cutoff],
          ),
        ).toEqual(keptBefore);
        const sk = await fresh.store.query<{ day: Date; tags: string; sketch: string; count: number }>(
          "select day, tags, sketch, count from daily_rollups where source = 'metric_sketches' and name = $1",
          [NAME],
        );
        expect(sk).toHaveLength(quantiles.size);
        for (const row of sk) {
          const k = `${row.day.toISOString()} ${(JSON.parse(row.tags) as { repo: string }).repo}`;
          const s = decodeSketch(row.sketch);
          const got = [0.5, 0.9, 0.99].map((q) => s.getValueAtQuantile(q));
          const want = quantiles.get(k)!;
          got.forEach((g, i) => expect(g / want[i]!).toBeCloseTo(1, 9));
        }
        // Span rollups keep no branch and commands none of who ran them.
        const tags = await fresh.store.query<{ source: string; tags: string }>(
          "select distinct source, tags from daily_rollups where source in ('spans', 'commands')",
        );
        for (const t of tags) expect(Object.keys(JSON.parse(t.tags) as object).sort()).not.toContain('key');
        expect(JSON.stringify(tags)).not.toMatch(/ada|branch-/);

        // Nothing more to do; a late row of a pruned day is added to that day's rollup.
        expect((await applyRetention(fresh.store, cfg, { now: end })).days).toEqual([]);
        const late = new Date(end.getTime() - 4 * DAY + 3600_000);
        await ingest(fresh.store, [
          {
            kind: 'command',
            id: 'late-1',
            user_name: 'bob',
            command: 'make',
            category: 'build',
            repo: 'acme/api',
            exit_code: 0,
            started_at: late.toISOString(),
            duration_ms: 5000,
          },
        ]);
        const again = await applyRetention(fresh.store, cfg, { now: end });
        expect(again.days.map((d) => [d.table, d.rawRows])).toEqual([['commands', 1]]);
        expect((await rollupTotals(fresh.store)).commands).toEqual({
          rows: before.commands!.rows + 1,
          sum: expect.closeTo(before.commands!.sum + 5000, 3) as number,
        });
      } finally {
        await fresh.cleanup();
      }
    });

    it('pitwall retention apply: --dry-run prints the plan; a bad retention: value exits 2 naming the key', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'pitwall-retention-'));
      await ts.store.close();
      try {
        const env = storeEnv(ts);
        writeFileSync(join(cwd, 'pitwall.yaml'), 'retention:\n  commands: 2\n');
        const dry = await cli(['retention', 'apply', '--dry-run'], { cwd, env });
        expect(dry.stderr).toBe('');
        expect(dry.code).toBe(0);
        expect(dry.stdout).toMatch(
          /commands: raw rows before \d{4}-\d\d-\d\d \(2 days\): would roll up and prune \d+ rows of \d day\(s\)/,
        );
        const applied = await cli(['retention', 'apply', '--json'], { cwd, env });
        expect(applied.code).toBe(0);
        const out = JSON.parse(applied.stdout) as { dryRun: boolean; days: { table: string }[] };
        expect(out.dryRun).toBe(false);
        expect(new Set(out.days.map((d) => d.table))).toEqual(new Set(['commands']));
        expect((await cli(['retention', 'apply', '--json'], { cwd, env })).stdout).toMatch(/"days": \[\]/);

        for (const [yaml, message] of [
          ['retention:\n  spans: 0\n', /retention\.spans/],
          ['retention:\n  logs: 30\n', /retention/],
          ['retention:\n  schedule: "every day"\n', /retention\.schedule.*cron expression/],
        ] as const) {
          writeFileSync(join(cwd, 'pitwall.yaml'), yaml);
          const r = await cli(['retention', 'apply'], { cwd, env });
          expect(r.code, yaml).toBe(2);
          expect(r.stderr).toMatch(message);
        }
        writeFileSync(join(cwd, 'pitwall.yaml'), '{}\n');
        const none = await cli(['retention', 'apply'], { cwd, env });
        expect(none.code).toBe(0);
        expect(none.stdout).toMatch(/no table has raw_days set/);
      } finally {
        ts.store = await openStore(ts.config);
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}
