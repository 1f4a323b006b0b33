import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../ingest/ingest.js';
import { openTestStore, type TestStore } from '../../../test/helpers/stores.js';

const commands = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'command',
    id: `c${from + i}`,
    user_name: 'dev',
    command: 'npm test',
    exit_code: 0,
    started_at: '2026-01-05T10:00:00Z',
    duration_ms: 1000,
  }));

/** PostgreSQL only: DuckDB keeps its statistics up itself. */
describe('PostgreSQL planner statistics after bulk writes', () => {
  let t: TestStore;
  const lastAnalyze = async (table: string) => {
    const [row] = await t.store.query<{ at: Date | null }>(
      'select last_analyze as at from pg_stat_user_tables where relname = $1',
      [table],
    );
    return row?.at ?? null;
  };
  beforeAll(async () => {
    t = await openTestStore('postgres');
  });
  afterAll(() => t.cleanup());

  it('leaves a table alone below 10,000 written rows, analyzes it once they pass', async () => {
    await ingest(t.store, commands(0, 9999));
    expect(await lastAnalyze('commands')).toBeNull();
    await ingest(t.store, commands(9999, 2));
    expect(await lastAnalyze('commands')).not.toBeNull();
  });

  it('then waits for 10,000 rows plus half the table: 14,000 more into 10,001 do not analyze it again', async () => {
    const first = await lastAnalyze('commands');
    await ingest(t.store, commands(20_000, 14_000));
    expect(await lastAnalyze('commands')).toEqual(first);
    await ingest(t.store, commands(40_000, 2000));
    expect(await lastAnalyze('commands')).not.toEqual(first);
  });

  it('counts rows of a transaction once it committed, and none of one rolled back', async () => {
    const teams = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => [`t${from + i}`] as [string]);
    const write = (rows: [string][]) => ({ table: 'teams', columns: ['team'], key: ['team'], rows });
    await t.store
      .transaction(async (tx) => {
        await tx.upsert([write(teams(0, 12_000))]);
        throw new Error('abandoned');
      })
      .catch(() => undefined);
    // 9,000 committed rows analyze it only if the 12,000 rolled back were counted too.
    await t.store.transaction((tx) => tx.upsert([write(teams(0, 9000))]));
    expect(await lastAnalyze('teams')).toBeNull();
    await t.store.transaction((tx) => tx.upsert([write(teams(9000, 1001))]));
    expect(await lastAnalyze('teams')).not.toBeNull();
  });
});
