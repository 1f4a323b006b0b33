import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../src/ingest/ingest.js';
import { openTestStore, type TestStore } from './helpers/stores.js';

/**
 * A PostgreSQL whose defaults differ from ours (DateStyle 'SQL, DMY', a zone far from UTC) must
 * read instants back exactly: the store pins DateStyle and TimeZone for every session.
 */
describe('PostgreSQL store on a server with other date settings', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('postgres', { dateStyle: 'SQL, DMY', timeZone: 'Pacific/Chatham' });
  });
  afterAll(async () => t?.cleanup());

  it('reads instants back as the UTC instants written', async () => {
    const at = '2024-03-01T23:30:05.250Z';
    await ingest(t.store, [
      {
        kind: 'commit',
        repo: 'acme/api',
        sha: 'a'.repeat(40),
        author: 'ada',
        authored_at: at,
        committed_at: at,
      },
    ]);
    const [row] = await t.store.query<{ committed_at: Date; t: Date }>(
      `select committed_at, $1::timestamp as t from commits`,
      [new Date(at)],
    );
    expect(row!.committed_at.toISOString()).toBe(at);
    expect(row!.t.toISOString()).toBe(at);
  });
});
