import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * Property: hostile arguments to a few commands end in exit 0 (accepted) or 2 (refused, with a
 * `pitwall:` message), never 1 with a stack trace. The real CLI, in process: a spawn per run
 * would cost a second each. FUZZ_SEED and FUZZ_CLI_RUNS change the sample.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_901);
const RUNS = Number(process.env.FUZZ_CLI_RUNS ?? 25);

const hostile = fc.oneof(
  fc.constantFrom(
    'toString',
    '__proto__',
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'NaN',
    '1e10',
    '-1',
    '2147483648',
    '0000-01-01',
    '-000001-01-01',
    '10000-01-01',
    '9999-12-31T23:59:59Z',
    '2026-02-30',
    '2025-01-01T24:00:00Z',
    'x'.repeat(3000),
    '--json',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 8 }),
);
const AT = '2025-02-10T12:00:00Z';

/** A command line with one argument (or more) replaced by hostile text. */
const commandLine = (report: string) =>
  fc
    .tuple(
      fc.constantFrom(
        ['dora', '--from', '2025-01-01', '--to', '2025-02-01', '--json'],
        ['record', 'deployment', '--service', 'api', '--env', 'production', '--sha', 'abcdef1', '--at', AT],
        ['record', 'incident', 'open', '--service', 'api', '--at', AT, '--title', 't'],
        ['record', 'incident', 'resolve', '--id', 'inc-1', '--at', AT],
        ['collect', 'junit', report, '--attempt', '1', '--at', AT],
      ),
      fc.array(fc.tuple(fc.nat(), hostile), { minLength: 1, maxLength: 2 }),
    )
    .map(([base, bends]) => {
      const args = [...base];
      // Bend a value, never the command words: those only pick which command runs.
      const values = args.map((a, i) => i).filter((i) => i >= 2 && !args[i]!.startsWith('--'));
      for (const [n, v] of bends) args[values[n % values.length]!] = v;
      return args;
    });

describe.each(ENGINES)('CLI fuzz: bad arguments exit 2 without a stack trace on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await openTestStore(engine);
    if (engine === 'duckdb') await t.store.close(); // the CLI opens the file itself
    dir = mkdtempSync(join(tmpdir(), 'pitwall-cli-fuzz-'));
    writeFileSync(
      join(dir, 'report.xml'),
      '<testsuite name="s"><testcase classname="c" name="n" time="0.5"/></testsuite>',
    );
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${RUNS} hostile command lines`, async () => {
    const env = t.config.databaseUrl
      ? { DATABASE_URL: t.config.databaseUrl }
      : { PITWALL_DB: t.config.duckdbPath! };
    await fc.assert(
      fc.asyncProperty(commandLine(join(dir, 'report.xml')), async (args) => {
        const r = await cli(args, { cwd: dir, env });
        const where = `${JSON.stringify(args).slice(0, 300)} -> ${r.code}: ${r.stderr.slice(0, 400)}`;
        expect([0, 2], where).toContain(r.code);
        expect(r.stderr, where).not.toMatch(/unexpected error|\n\s+at /);
        if (r.code === 2) expect(r.stderr, where).toMatch(/^(pitwall: |error: )/m);
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        endOnFailure: true,
        // Known past crashes run first on every seed; random ones explore around them.
        examples: [
          [['collect', 'junit', join(dir, 'report.xml'), '--attempt', '1e10']],
          [['dora', '--from', '0000-01-01', '--to', '2025-01-01']],
          [['record', 'incident', 'resolve', '--id', 'a\u0000b']],
          [
            [
              'record',
              'deployment',
              '--service',
              'api',
              '--env',
              'prod',
              '--sha',
              'abcdef1',
              '--at',
              '+010000-01-01',
            ],
          ],
        ],
      },
    );
  });
});
