import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { junitCollector } from '../../src/collectors/junit/collector.js';
import { prepareCollector } from '../../src/collectors/run.js';
import { loadConfig } from '../../src/config/load.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const CASES = 30_000; // several of the collector's batches (5,000 records or more each)

/** A report of `n` cases over 40 classes; `fail` marks every 97th case failed. */
function report(n: number, fail = false): string {
  const cases: string[] = [];
  for (let i = 0; i < n; i++)
    cases.push(
      fail && i % 97 === 0
        ? `<testcase classname="Calc${i % 40}" name="case ${i}" time="0.001"><failure>x</failure></testcase>`
        : `<testcase classname="Calc${i % 40}" name="case ${i}" time="0.001"/>`,
    );
  return `<?xml version="1.0"?>\n<testsuites><testsuite name="big">\n${cases.join('\n')}\n</testsuite></testsuites>\n`;
}

describe.each(ENGINES)('a JUnit collection streams into one transaction on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  const config = loadConfig({ cwd: tmpdir(), env: {} });
  const prepare = (paths: string[]) =>
    prepareCollector(junitCollector, { paths, cwd: dir }, { config, env: {}, cwd: dir, logger: quiet });
  const count = async () =>
    Number((await t.store.query<{ n: number }>('select count(*) as n from test_results'))[0]!.n);
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-junit-atomic-'));
    writeFileSync(join(dir, 'big.xml'), report(CASES));
    writeFileSync(join(dir, 'small.xml'), report(3));
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails late, after batches were written, and keeps none of them', async () => {
    const job = await prepare(['big.xml', 'small.xml']);
    // Rewritten after the first pass: found at the end of the second, once big.xml's batches are in.
    writeFileSync(join(dir, 'small.xml'), report(3, true));
    const progress: number[] = [];
    await expect(
      job.run({ store: t.store, config, logger: quiet, progress: (p) => progress.push(p.done) }),
    ).rejects.toThrow(/^small\.xml: the file changed while it was being collected; nothing was written/);
    // Progress follows each batch the runner took: two batches (over 5,000 rows) were written.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...progress)).toBeGreaterThan(5000);
    expect(await count()).toBe(0);
    const [source] = await t.store.query<{ last_error: string; records: number }>(
      `select last_error, records from sources where id = 'junit:local'`,
    );
    expect(source!.last_error).toMatch(/small\.xml: the file changed/);
    expect(Number(source!.records)).toBe(0);
  });

  it('lands whole when nothing fails; collecting the same bytes again is the same run and rows', async () => {
    const first = await (
      await prepare(['big.xml', 'small.xml'])
    ).run({ store: t.store, config, logger: quiet });
    expect(first.total).toBe(CASES + 3);
    expect(await count()).toBe(CASES + 3);
    // The cases of small.xml repeat three of big.xml's: attempts 2 of those tests, not copies of
    // attempt 1 (DuckDB's test_results has no primary key to refuse one; the load relies on this).
    const [keys] = await t.store.query<{ n: number; attempts: number }>(
      `select count(*) as n, count(*) filter (where attempt = 2) as attempts
       from (select distinct run_id, test_id, attempt from test_results) k`,
    );
    expect([Number(keys!.n), Number(keys!.attempts)]).toEqual([CASES + 3, 3]);
    const again = await (
      await prepare(['big.xml', 'small.xml'])
    ).run({ store: t.store, config, logger: quiet });
    expect(again.facts.run_id).toBe(first.facts.run_id);
    expect(await count()).toBe(CASES + 3);
    // Other bytes, another content-derived run.
    writeFileSync(join(dir, 'small.xml'), report(3, true));
    const changed = await (await prepare(['small.xml'])).run({ store: t.store, config, logger: quiet });
    expect(changed.facts.run_id).not.toBe(first.facts.run_id);
  });
});
