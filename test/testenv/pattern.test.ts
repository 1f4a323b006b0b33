import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallError } from '../../src/errors/errors.js';
import { matchesPattern, portablePattern } from '../../src/metrics/definitions/testenv-pattern.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const NAMES = [
  'build',
  'Build',
  'BUILD / docker',
  'docker-image',
  'rebuild-cache',
  'build_cache',
  'image',
  'images',
  'e2e',
  'unit (node 20)',
  'publish-image-v2',
  'Build and push',
  "it's a build",
];
const PATTERNS = [
  '\\b(build|docker|image)\\b',
  '^build$',
  '^(docker|image)',
  'image',
  'build\\d*',
  '(?:push|publish)\\b',
  '[a-z]+-image',
  "it's",
  'node \\d+',
];

describe.each(ENGINES)('image job pattern on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => t?.cleanup());

  it.each(PATTERNS)('"%s" matches the names JavaScript matches, case-insensitively', async (pattern) => {
    const values = NAMES.map((_, i) => `($${i + 1})`).join(', ');
    const rows = await t.store.query<{ name: string; m: boolean }>(
      `select n.name, ${matchesPattern('n.name', pattern)} as m from (values ${values}) as n(name)`,
      NAMES,
    );
    const re = new RegExp(pattern, 'i');
    expect(Object.fromEntries(rows.map((r) => [r.name, Boolean(r.m)]))).toEqual(
      Object.fromEntries(NAMES.map((n) => [n, re.test(n)])),
    );
  });
});

describe('image job patterns the engines would read differently are refused, naming the key', () => {
  it.each([
    ['bu\\bild', 'inside a word'],
    ['(?=build)', '(?:'],
    ['(build)\\1', '\\1'],
    ['\\Abuild', '\\A'],
    ['[\\b]uild', 'escape inside'],
    ['(build', 'not a regular expression'],
  ])('%s', (pattern, why) => {
    let err: unknown;
    try {
      portablePattern(pattern);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PitwallError);
    expect((err as PitwallError).code).toBe('invalid_argument');
    expect((err as Error).message).toContain('testenv.image_job_pattern');
    expect((err as Error).message).toContain(why);
  });
});
