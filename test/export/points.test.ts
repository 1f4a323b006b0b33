import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallClient, PitwallApiError } from '../../src/client/client.js';
import { applyRetention } from '../../src/export/retention.js';
import { retentionSection } from '../../src/export/retention-config.js';
import { ingest } from '../../src/ingest/ingest.js';
import { pointsStats, type PointsAnswer } from '../../src/report/points.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, storeEnv, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';
import { dayStart, exactQuantile, seedWarehouse, statsdTimings } from './fixtures.js';

const DAY = 86_400_000;
const NAME = 'testenv.provision.total_duration';
const QS = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
] as const;

/** Within the sketch's stated relative error (1%) of the exact quantile. */
function expectWithin1pct(got: number | null | undefined, exact: number): void {
  expect(got).not.toBeNull();
  expect(Math.abs(got! - exact) / exact).toBeLessThanOrEqual(0.01);
}

for (const engine of ENGINES) {
  describe(`points: percentiles over any window from merged sketches (${engine})`, () => {
    let ts: TestStore;
    const end = dayStart(new Date());
    const start = new Date(end.getTime() - 6 * DAY);
    let raw: { at: number; repo: string; value: number }[];
    beforeAll(async () => {
      ts = await openTestStore(engine);
      // Six days of 10-minute flush intervals (864 of them), 7 timings each, two repositories.
      const series = statsdTimings(NAME, start, end, 600, 7);
      raw = series.raw;
      await ingest(ts.store, series.records);
      await seedWarehouse(ts.store, end, 2);
    });
    afterAll(() => ts.cleanup());

    const check = (a: PointsAnswer, values: number[], row = a.rows[0]!) => {
      expect(row.count).toBe(values.length);
      expect(row.sum).toBeCloseTo(
        values.reduce((s, v) => s + v, 0),
        6,
      );
      expect(row.min).toBe(Math.min(...values));
      expect(row.max).toBe(Math.max(...values));
      expect(row.avg).toBeCloseTo(values.reduce((s, v) => s + v, 0) / values.length, 6);
      for (const [stat, q] of QS) expectWithin1pct(row[stat], exactQuantile(values, q));
    };

    it('over the whole window, per repo, per day and filtered by a tag: exact counts, percentiles within 1%', async () => {
      const whole = await pointsStats(ts.store, { name: NAME, from: start, to: end });
      expect(whole).toMatchObject({ kind: 'distribution', bucket: 'none', relative_accuracy: 0.01 });
      expect(whole.rows).toHaveLength(1);
      check(
        whole,
        raw.map((r) => r.value),
      );

      const byRepo = await pointsStats(ts.store, { name: NAME, from: start, to: end, by: 'repo' });
      expect(byRepo.rows.map((r) => r.group)).toEqual(['acme/api', 'acme/web']);
      for (const row of byRepo.rows)
        check(
          byRepo,
          raw.filter((r) => r.repo === row.group).map((r) => r.value),
          row,
        );

      const daily = await pointsStats(ts.store, { name: NAME, from: start, to: end, bucket: 'day' });
      expect(daily.rows).toHaveLength(6);
      for (const row of daily.rows) {
        const t = row.bucket.getTime();
        check(
          daily,
          raw.filter((r) => r.at >= t && r.at < t + DAY).map((r) => r.value),
          row,
        );
      }

      // A window of a few hours, not on interval or day boundaries.
      const from = new Date(start.getTime() + 2 * DAY + 5 * 3_600_000);
      const to = new Date(from.getTime() + 7 * 3_600_000);
      const web = await pointsStats(ts.store, {
        name: NAME,
        from,
        to,
        tags: { repo: 'acme/web' },
        stats: ['count', 'p90'],
      });
      const inWindow = raw.filter(
        (r) => r.repo === 'acme/web' && r.at >= from.getTime() && r.at < to.getTime(),
      );
      expect(web.rows[0]!.count).toBe(inWindow.length);
      expectWithin1pct(
        web.rows[0]!.p90,
        exactQuantile(
          inWindow.map((r) => r.value),
          0.9,
        ),
      );
      expect(Object.keys(web.rows[0]!).sort()).toEqual(['bucket', 'count', 'group', 'p90', 'rolled_up']);
    });

    it('plain points: count and sum exact, no percentiles; weeks start on Monday', async () => {
      const a = await pointsStats(ts.store, {
        name: 'ci.builds.count',
        from: start,
        to: end,
        bucket: 'week',
      });
      expect(a.kind).toBe('count');
      const total = a.rows.reduce((n, r) => n + (r.sum ?? 0), 0);
      // seedWarehouse: two days of 120 points valued 0..119.
      expect(total).toBe(2 * ((119 * 120) / 2));
      for (const r of a.rows) {
        expect(r.bucket.getUTCDay()).toBe(1);
        expect(r.p50).toBeNull();
      }
      expect((await pointsStats(ts.store, { name: 'no.such.series', from: start, to: end })).rows).toEqual(
        [],
      );
    });

    it('after retention prunes old days, the same window answers from the rollups: same counts, same percentiles', async () => {
      const before = await pointsStats(ts.store, { name: NAME, from: start, to: end, by: 'repo' });
      const r = await applyRetention(ts.store, retentionSection.parse({ metric_sketches: 3 }), { now: end });
      expect(r.days.length).toBe(3);
      const [left] = await ts.store.query<{ n: number }>(
        'select count(*) as n from metric_sketches where occurred_at < $1::timestamp',
        [new Date(end.getTime() - 3 * DAY)],
      );
      expect(Number(left!.n)).toBe(0);
      const after = await pointsStats(ts.store, { name: NAME, from: start, to: end, by: 'repo' });
      expect(after.rows.map((x) => x.rolled_up)).toEqual([true, true]);
      after.rows.forEach((row, i) => {
        const was = before.rows[i]!;
        expect(row.count).toBe(was.count);
        expect(row.min).toBe(was.min);
        expect(row.max).toBe(was.max);
        expect(row.sum).toBeCloseTo(was.sum!, 6);
        for (const [stat] of QS) expect(row[stat]! / was[stat]!).toBeCloseTo(1, 9);
      });
      // Still within 1% of the raw samples.
      for (const row of after.rows)
        check(
          after,
          raw.filter((x) => x.repo === row.group).map((x) => x.value),
          row,
        );
    });

    describe('GET /api/v1/points and pitwall points', () => {
      let server: RunningServer;
      let client: PitwallClient;
      beforeAll(async () => {
        server = await startServer({
          store: ts.store,
          config: testConfig(),
          logger: silent,
          port: 0,
          host: '127.0.0.1',
          anonymousRead: true,
          schedule: false,
          webRoot: null,
        });
        client = new PitwallClient({ baseUrl: server.url });
      });
      afterAll(() => server.close());

      it('serves the same answer as the function; a bad parameter is a 400 naming it', async () => {
        const q = {
          name: NAME,
          from: start,
          to: end,
          by: 'repo',
          bucket: 'day' as const,
          stat: 'count,p50,p99',
        };
        const got = await client.points({ ...q, tag: 'env:ci' });
        const want = await pointsStats(ts.store, {
          name: NAME,
          from: start,
          to: end,
          by: 'repo',
          bucket: 'day',
          stats: ['count', 'p50', 'p99'],
          tags: { env: 'ci' },
        });
        expect(got).toEqual(JSON.parse(JSON.stringify(want)));
        expect(got.rows.length).toBeGreaterThan(6);

        const bad: [Record<string, string>, string, RegExp][] = [
          [{}, 'name', /name/],
          [{ name: 'Not A Name' }, 'name', /name "Not A Name": expected a stored metric name/],
          [{ name: NAME, bucket: 'month' }, 'bucket', /bucket/],
          [{ name: NAME, stat: 'p42' }, 'stat', /stat "p42": use some of count, sum/],
          [{ name: NAME, from: '2025-02-30' }, 'from', /from: not a date/],
          [{ name: NAME, from: '2025-03-02', to: '2025-03-01' }, 'from', /must be before/],
          [{ name: NAME, tag: 'repo' }, 'tag', /tag "repo": expected key:value/],
          [{ name: NAME, by: 'repo;drop' }, 'by', /by "repo;drop": expected a tag key/],
          [{ name: NAME, group: 'x' }, 'group', /group/],
        ];
        for (const [params, field, message] of bad) {
          const e = await client.points(params as { name: string }).then(
            () => null,
            (x: unknown) => x,
          );
          expect(e, JSON.stringify(params)).toBeInstanceOf(PitwallApiError);
          const err = e as PitwallApiError;
          expect(err.status).toBe(400);
          expect(err.message).toMatch(message);
          expect(JSON.stringify(err.details)).toContain(field);
        }
      });
    });

    it('pitwall points NAME --by repo --json; a bad flag exits 2 naming it', async () => {
      await ts.store.close();
      try {
        const env = storeEnv(ts);
        const args = ['points', NAME, '--from', start.toISOString(), '--to', end.toISOString()];
        const r = await cli([...args, '--by', 'repo', '--json'], { env });
        expect(r.stderr).toBe('');
        const a = JSON.parse(r.stdout) as { rows: { group: string; count: number }[] };
        expect(a.rows.map((x) => [x.group, x.count])).toEqual([
          ['acme/api', raw.filter((x) => x.repo === 'acme/api').length],
          ['acme/web', raw.filter((x) => x.repo === 'acme/web').length],
        ]);
        const text = await cli([...args, '--bucket', 'day', '--tag', 'repo:acme/web'], { env });
        expect(text.code).toBe(0);
        expect(text.stdout).toMatch(/percentiles within 1%/);
        expect(text.stdout).toMatch(/p99/);
        for (const [extra, message] of [
          [['--bucket', 'month'], /--bucket.*month.*Allowed choices are hour, day, week, none/],
          [['--stat', 'median'], /stat "median": use some of/],
          [['--tag', 'repo'], /tag "repo": expected key:value/],
          [['--from', 'last week'], /--from "last week" is not a date/],
        ] as const) {
          const bad = await cli([...args, ...extra], { env });
          expect(bad.code, extra.join(' ')).toBe(2);
          expect(bad.stderr).toMatch(message);
        }
      } finally {
        ts.store = await openStore(ts.config);
      }
    });
  });
}
