import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../../test/helpers/stores.js';
import { PitwallError } from '../errors/errors.js';
import { ingest } from './ingest.js';

const commit = (n: number, extra: Record<string, unknown> = {}) => ({
  kind: 'commit',
  repo: 'acme/web',
  sha: n.toString(16).padStart(40, '0'),
  author: 'ada@example.com',
  authored_at: '2024-01-01T10:00:00+02:00',
  committed_at: '2024-01-01T10:00:00+02:00',
  ...extra,
});

describe.each(ENGINES)('ingest on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => t?.cleanup());

  it('normalises instants with offsets to UTC and fills defaults', async () => {
    await ingest(t.store, [commit(1)]);
    const [row] = await t.store.query(`select committed_at, additions, parents, is_merge from commits`);
    expect(row).toEqual({
      committed_at: new Date('2024-01-01T08:00:00Z'),
      additions: 0,
      parents: '',
      is_merge: false,
    });
  });

  it('rejects a batch with one bad record whole, naming index, field and reason', async () => {
    const batch = [commit(2), commit(3, { committed_at: 'yesterday' }), commit(4)];
    const err = await ingest(t.store, batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PitwallError);
    const e = err as PitwallError;
    expect(e.code).toBe('invalid_records');
    expect(e.message).toMatch(/^record 1 \(commit\): committed_at: expected an ISO-8601 instant/);
    expect(e.details).toMatchObject({ problems: [{ index: 1, kind: 'commit', field: 'committed_at' }] });
    const rows = await t.store.query<{ n: number }>(`select count(*) as n from commits`);
    expect(rows[0]!.n).toBe(1);
  });

  it('names unknown kinds and missing fields', async () => {
    const err = (await ingest(t.store, [{ kind: 'deploy' }, { kind: 'incident', id: 'x' }]).catch(
      (e: unknown) => e,
    )) as PitwallError;
    const problems = (err.details as { problems: { index: number; field: string }[] }).problems;
    expect(problems[0]).toMatchObject({ index: 0, field: 'kind' });
    expect(problems.map((p) => `${p.index}:${p.field}`)).toEqual(
      expect.arrayContaining(['1:service', '1:opened_at']),
    );
  });

  it('keeps the last version when one batch holds the same key twice', async () => {
    await ingest(t.store, [commit(5, { additions: 1 }), commit(5, { additions: 7 })]);
    const rows = await t.store.query(`select additions from commits where sha = $1`, [commit(5).sha]);
    expect(rows).toEqual([{ additions: 7 }]);
  });

  it('writes a large batch of several kinds in one transaction', async () => {
    const many = Array.from({ length: 12_000 }, (_, i) => commit(1000 + i));
    const people = Array.from({ length: 50 }, (_, i) => ({ kind: 'person', login: `dev${i}`, team: 'web' }));
    const res = await ingest(t.store, [...many, ...people]);
    expect(res.written).toEqual({ commit: 12_000, person: 50 });
    const [row] = await t.store.query<{ n: number }>(`select count(*) as n from commits where sha >= $1`, [
      commit(1000).sha,
    ]);
    expect(row!.n).toBe(12_000);
  });
});
