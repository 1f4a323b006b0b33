import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../../test/helpers/stores.js';
import { ingest } from '../ingest/ingest.js';
import { DuckDbStore } from './duckdb/duckdb-store.js';
import { STAGE_PREFIX } from './duckdb/staged-load.js';

const person = (login: string, team: string, extra: Record<string, unknown> = {}) => ({
  kind: 'person',
  login,
  team,
  is_bot: false,
  ...extra,
});
const people = (s: TestStore) =>
  s.store.query<{ login: string; team: string; email: string | null }>(
    `select login, team, email from people where login like 'load-%' order by login`,
  );
const stages = (s: TestStore) =>
  s.store.kind === 'duckdb'
    ? s.store.query(`select table_name from duckdb_tables() where starts_with(table_name, '${STAGE_PREFIX}')`)
    : Promise.resolve([]);

/** A load is many batches landing as one: the atomic collectors (JUnit, coverage, surveys) use it. */
describe.each(ENGINES)('store.load on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => t?.cleanup());

  it('lands every batch at once when it ends: nothing is visible before, and the last write of a key wins', async () => {
    await ingest(t.store, [person('load-old', 'core', { email: 'old@example.com' })]);
    let seenDuring: unknown[] = [];
    await t.store.load(async (w) => {
      await ingest(w, [person('load-a', 'core'), person('load-old', 'web', { email: 'new@example.com' })]);
      await ingest(w, [person('load-b', 'core')]);
      await ingest(w, [person('load-a', 'platform')]);
      seenDuring = await people(t);
    });
    expect(seenDuring).toEqual([{ login: 'load-old', team: 'core', email: 'old@example.com' }]);
    expect(await people(t)).toEqual([
      { login: 'load-a', team: 'platform', email: null },
      { login: 'load-b', team: 'core', email: null },
      { login: 'load-old', team: 'web', email: 'new@example.com' },
    ]);
    expect(await stages(t)).toEqual([]);
  });

  it('keeps what a write does not know: a batch without a column leaves the stored value', async () => {
    await ingest(t.store, [person('load-keep', 'core', { email: 'keep@example.com' })]);
    await t.store.load(async (w) => {
      await ingest(w, [person('load-keep', 'web')]);
    });
    expect((await people(t)).find((p) => p.login === 'load-keep')).toEqual({
      login: 'load-keep',
      team: 'web',
      email: 'keep@example.com',
    });
  });

  it('writes nothing when it fails part way, and leaves no staging table behind', async () => {
    const before = await people(t);
    await expect(
      t.store.load(async (w) => {
        await ingest(w, [person('load-never', 'core')]);
        await ingest(w, [person('load-a', 'gone')]);
        throw new Error('the source failed after two batches');
      }),
    ).rejects.toThrow('the source failed after two batches');
    expect(await people(t)).toEqual(before);
    expect(await stages(t)).toEqual([]);
  });
});

describe('a DuckDB load cut off by the process dying', () => {
  it('leaves a staging table that the next open drops, and the targets untouched', async () => {
    const t = await openTestStore('duckdb');
    try {
      const path = t.store.location;
      await t.store.query(`create table ${STAGE_PREFIX}dead_0 as select * from people limit 0`);
      await t.store.close();
      const reopened = await DuckDbStore.open({ path });
      try {
        expect(
          await reopened.query(
            `select table_name from duckdb_tables() where starts_with(table_name, '${STAGE_PREFIX}')`,
          ),
        ).toEqual([]);
      } finally {
        await reopened.close();
      }
    } finally {
      await t.cleanup().catch(() => undefined);
    }
  });
});
