import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../../test/helpers/stores.js';
import { loadConfig } from '../config/load.js';
import { prepareWrites } from '../ingest/ingest.js';
import type { TableWrite } from '../store/store.js';
import { EnrichQueue } from './enrich-queue.js';
import { WriteCoalescer } from './write-coalescer.js';

const person = (login: string, team: string) => ({ kind: 'person', login, team, is_bot: false });
const writesOf = (...records: unknown[]) => prepareWrites(records).writes;

describe.each(ENGINES)('concurrent write requests on %s', (engine) => {
  let t: TestStore;
  let transactions = 0;
  let coalescer: WriteCoalescer;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const config = loadConfig({ cwd: tmpdir(), env: {} });
    // The real store, counting the transactions the coalescer asks of it.
    const counted = {
      upsert: (writes: readonly TableWrite[]) => {
        transactions++;
        return t.store.upsert(writes);
      },
    };
    coalescer = new WriteCoalescer(counted, new EnrichQueue(t.store, config, pino({ level: 'silent' })));
  });
  afterAll(async () => t?.cleanup());
  const teams = async (prefix: string) =>
    (
      await t.store.query<{ login: string; team: string }>(
        `select login, team from people where login like $1 order by login`,
        [`${prefix}%`],
      )
    ).map((r) => `${r.login}:${r.team}`);

  it('land together while the store is busy, each resolved once its rows and derived state are stored', async () => {
    transactions = 0;
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => coalescer.write(writesOf(person(`wc-a${i}`, 'core')))),
    );
    expect(await teams('wc-a')).toEqual(Array.from({ length: 6 }, (_, i) => `wc-a${i}:core`));
    // The first lands alone; the five queued behind it share one transaction.
    expect(transactions).toBe(2);
    const [marks] = await t.store.query<{ n: number }>(
      `select count(*) as n from enrich_steps where step = 'bots'`,
    );
    expect(Number(marks!.n)).toBe(1);
  });

  it('keep requests that write the same row apart, so the later one wins', async () => {
    transactions = 0;
    await Promise.all(
      ['web', 'data', 'platform'].map((team) =>
        coalescer.write(writesOf(person('wc-b', team), person(`wc-b-${team}`, team))),
      ),
    );
    expect(await teams('wc-b')).toEqual([
      'wc-b:platform',
      'wc-b-data:data',
      'wc-b-platform:platform',
      'wc-b-web:web',
    ]);
    // One transaction each: none could share one (merged, two would have failed and been retried).
    expect(transactions).toBe(3);
  });

  it('fail a request whose write the store refuses alone, landing the others of its group', async () => {
    const bad: TableWrite[] = [{ table: 'no_such_table', columns: ['a'], key: ['a'], rows: [['x']] }];
    const results = await Promise.allSettled([
      coalescer.write(writesOf(person('wc-c0', 'core'))),
      coalescer.write(writesOf(person('wc-c1', 'core'))),
      coalescer.write(bad),
      coalescer.write(writesOf(person('wc-c2', 'core'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await teams('wc-c')).toEqual(['wc-c0:core', 'wc-c1:core', 'wc-c2:core']);
  });
});
