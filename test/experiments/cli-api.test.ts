import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallApiError, PitwallClient } from '../../src/client/index.js';
import { createDemo } from '../../src/demo/generate.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingestBatches } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';

const TTFR = 'github.prs.time_to_first_review_hours';
const END = new Date('2025-06-02T00:00:00Z');
const config = testConfig();

describe.each(ENGINES)('pitwall experiment and /api/v1/experiments on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  let run: (args: string[]) => ReturnType<typeof cli>;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingestBatches(t.store, createDemo({ developers: 12, days: 28, seed: 3, end: END }).batches(10_000));
    await ensureFresh(t.store, config);
    await t.store.close();
    dir = mkdtempSync(join(tmpdir(), 'pitwall-exp-'));
    run = (args) => cli(args, { cwd: dir, env: storeEnv(t) });
  }, 600_000);
  afterAll(async () => {
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const count = async () =>
    Number((await queryOnce<{ n: number }>(t, 'select count(*) as n from experiments'))[0]!.n);

  it('create, list, show, stop and rollout from the CLI', async () => {
    const before = await count();
    const c = await run([
      'experiment',
      'create',
      '--name',
      'Smaller PRs nudge',
      '--hypothesis',
      'A nudge cuts the wait for review',
      '--metric',
      TTFR,
      '--expect',
      '-30%',
      '--cohort-share',
      '40%',
      '--start',
      '2025-05-12',
      '--json',
    ]);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    const created = JSON.parse(c.stdout) as { id: string; status: string; expected: Record<string, number> };
    expect(created.id).toBe('smaller-prs-nudge');
    expect(created.expected[TTFR]).toBe(-30);
    expect(await count()).toBe(before + 1);
    const list = await run(['experiment', 'list']);
    expect(list.stdout).toMatch(/smaller-prs-nudge/);
    expect(list.stdout).toMatch(/exp-ai-review-bot/);
    const show = await run(['experiment', 'show', 'smaller-prs-nudge']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/Control\s+Treatment\s+Difference/);
    expect(show.stdout).toMatch(/Time to first review/);
    expect(show.stdout).toMatch(/Recommendation: (ROLL OUT|KEEP RUNNING|STOP)/);
    const json = JSON.parse((await run(['experiment', 'show', 'smaller-prs-nudge', '--json'])).stdout) as {
      results: { control: { events: number }; treatment: { events: number }; kind: string }[];
    };
    expect(json.results[0]!.kind).toBe('median');
    expect(json.results[0]!.control.events).toBeGreaterThan(0);
    const stop = await run(['experiment', 'stop', 'smaller-prs-nudge', '--note', 'enough', '--json']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ status: 'stopped', notes: 'enough' });
    const again = await run(['experiment', 'stop', 'smaller-prs-nudge']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/stopped already/);
    const roll = await run(['experiment', 'rollout', 'smaller-prs-nudge']);
    expect(roll.code, roll.stderr).toBe(0);
    expect(roll.stdout).toMatch(/rolled out/);
  });

  it('bad input exits 2 naming what is wrong, and writes nothing', async () => {
    const before = await count();
    const base = ['experiment', 'create', '--name', 'Bad one', '--start', '2025-05-12'];
    const cases: [string[], RegExp][] = [
      [
        [...base, '--metric', 'github.prs.time_to_first_reviw_hours', '--cohort-share', '30%'],
        /unknown metric "github\.prs\.time_to_first_reviw_hours".*did you mean github\.prs\.time_to_first_review_hours/,
      ],
      [
        [...base, '--metric', TTFR, '--cohort-share', '150%'],
        /--cohort-share "150%".*above 0 and below 100%/,
      ],
      [[...base, '--metric', TTFR, '--cohort-share', '0'], /--cohort-share "0"/],
      [
        [...base, '--metric', TTFR, '--cohort-share', '30%', '--end', '2025-05-01'],
        /end .* is not after start .*reversed/,
      ],
      [[...base, '--metric', TTFR], /exactly one cohort/],
      [
        [...base, '--metric', 'github.prs.merged', '--cohort-teams', 'payments'],
        /github\.prs\.merged counts events/,
      ],
      [
        [...base, '--metric', 'ci.runs.duration_p50_minutes', '--cohort-share', '30%'],
        /names no person behind its rows/,
      ],
      [[...base, '--metric', TTFR, '--cohort-share', '30%', '--expect', 'lots'], /--expect "lots"/],
      [[...base, '--metric', TTFR, '--cohort-share', '30%', '--alpha', '0.7'], /alpha 0\.7/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const unknown = await run(['experiment', 'show', 'no-such-experiment']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no experiment "no-such-experiment"/);
    expect(await count()).toBe(before);
  });

  describe('over HTTP with the typed client', () => {
    let server: RunningServer;
    let reader: PitwallClient;
    let writer: PitwallClient;
    let s: TestStore;
    beforeAll(async () => {
      s = await openTestStore(engine);
      await ingestBatches(
        s.store,
        createDemo({ developers: 12, days: 28, seed: 3, end: END }).batches(10_000),
      );
      await ensureFresh(s.store, config);
      server = await startServer({
        store: s.store,
        config,
        logger: pino({ level: 'silent' }),
        host: '127.0.0.1',
        port: 0,
        clock: () => END,
        schedule: false,
      });
      reader = new PitwallClient({
        baseUrl: server.url,
        token: (await server.ctx.tokens.create('r', ['read'])).token,
      });
      writer = new PitwallClient({
        baseUrl: server.url,
        token: (await server.ctx.tokens.create('w', ['ingest'])).token,
      });
    }, 600_000);
    afterAll(async () => {
      await server?.close();
      await s?.cleanup();
    });
    const failure = async (p: Promise<unknown>) => {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(PitwallApiError);
      return e as PitwallApiError;
    };

    it('POST creates, GET lists and shows results, stop and rollout end it', async () => {
      const e = await writer.createExperiment({
        name: 'Review rota',
        metrics: [TTFR],
        expect: { [TTFR]: -20 },
        cohort: { type: 'share', share: 0.5 },
        start: '2025-05-12T00:00:00Z',
      });
      expect(e).toMatchObject({ id: 'review-rota', status: 'running', cohortText: '50% of people' });
      const list = await reader.experiments();
      expect(list.experiments.map((x) => x.id)).toContain('review-rota');
      const shown = await reader.experiment('review-rota');
      expect(shown.results[0]!.metric).toBe(TTFR);
      expect(shown.results[0]!.power!.expectedPercent).toBe(-20);
      expect(shown.recommendation!.reasons.length).toBeGreaterThan(0);
      const all = await reader.experimentsWithResults();
      expect(all.results.length).toBe(all.experiments.length);
      expect((await writer.stopExperiment('review-rota', { note: 'done' })).status).toBe('stopped');
      expect((await writer.rolloutExperiment('review-rota')).status).toBe('rolled_out');
      expect((await failure(reader.stopExperiment('review-rota'))).status).toBe(403);
    });

    it('bad bodies are 400 naming the field; an unknown id is 404; nothing is written', async () => {
      const before = (await reader.experiments()).experiments.length;
      const body = {
        name: 'Bad',
        metrics: [TTFR],
        cohort: { type: 'share', share: 0.3 },
        start: '2025-05-12T00:00:00Z',
      };
      const bad = [
        [{ ...body, metrics: ['nope.nope.nope'] }, /unknown metric "nope\.nope\.nope"/],
        [{ ...body, cohort: { type: 'share', share: 1.5 } }, /cohort\.share/],
        [{ ...body, cohort: { type: 'crowd' } }, /cohort/],
        [{ ...body, end: '2025-05-01T00:00:00Z' }, /reversed/],
      ] as const;
      for (const [b, message] of bad) {
        const e = await failure(writer.createExperiment(b as never));
        expect(e.status).toBe(400);
        expect(e.message).toMatch(message);
      }
      expect((await failure(reader.experiment('nope'))).status).toBe(404);
      expect((await failure(writer.stopExperiment('nope'))).status).toBe(404);
      expect((await reader.experiments()).experiments.length).toBe(before);
    });
  });
});
