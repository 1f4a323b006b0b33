import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { FingerprintTable, fingerprint } from './fingerprints.js';
import type { ParsedCase } from './report.js';

/**
 * Checkout roots of common CI runners: a report written on one runner names
 * `/home/runner/work/api/api/tests/x.py`, on the next `/__w/api/api/tests/x.py`.
 */
const CI_ROOTS = [
  /^\/home\/runner\/work\/[^/]+\/[^/]+\//,
  /^\/__w\/[^/]+\/[^/]+\//,
  /^\/builds\/[^/]+\/[^/]+\//,
  /^\/(?:var\/lib\/jenkins|home\/jenkins(?:\/agent)?)\/workspace\/[^/]+\//,
  /^\/github\/workspace\//,
  /^[a-z]:\/a\/[^/]+\/[^/]+\//i,
];

/** A file as the repository knows it: forward slashes, relative to the checkout when we can tell. */
export function normalizeFile(file: string | null, cwd: string): string | null {
  if (!file) return null;
  let f = file.trim().replaceAll('\\', '/');
  const root = CI_ROOTS.find((r) => r.test(f));
  if (root) f = f.replace(root, '');
  else if (isAbsolute(f) && f.startsWith(cwd.replaceAll('\\', '/') + '/'))
    f = relative(cwd, f).replaceAll('\\', '/');
  f = f.replace(/^(?:\.\/)+/, '');
  return f || null;
}

/**
 * The stable test identity. test_id = sha256 of JSON [repo, location, name] (first 20 hex),
 * where location is the normalised file when the runner gave one, else the class name. The
 * suite name is never part of it, so renaming a `<testsuite>`, a Jest suite name template, a
 * pytest suite or a Marathon pool keeps every id; so does renaming a class whose file and test
 * names stay. Only when one file holds the same test name under two classes in the same
 * collection (e.g. two Jest describe blocks with the same test title) is the class added, for
 * those names alone: two different tests must never share an id. A case the runner named not at
 * all is `(unnamed #n)`, numbered within its location and class, and always keeps its class.
 */
export function testId(repo: string | null, location: string, name: string, className?: string): string {
  const parts =
    className === undefined ? [repo ?? '', location, name] : [repo ?? '', location, name, className];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 20);
}

export interface IdentifiedCase {
  testId: string;
  file: string | null;
  /** The runner's name, or `(unnamed #n)` for the n-th case without one in its file and class. */
  name: string;
  /** 1..n within the collection: the same test seen again is a retry (pytest reruns, Marathon, Go -count). */
  occurrence: number;
}

/**
 * The first pass's value for a (location, name): bit 0 set when it was seen more than once; the
 * other 31 bits a hash of the first class seen with it, or 0 once a second class was (AMBIGUOUS).
 */
const REPEATED = 1;
const CLASS_BITS = 0xfffffffe;

const key = (parts: readonly (string | null)[]) => fingerprint(JSON.stringify(parts));

/**
 * Identities for the cases of one collection, in two passes over them in the same order
 * (files as given, cases in document order): `observe` every case, then identify each with a
 * fresh `identifier()`. The first pass keeps one 64-bit fingerprint per distinct (location,
 * name), never the cases, and ends knowing which pairs occur under two classes and which occur
 * more than once. Only those few are kept for the second pass, which numbers the retries: its
 * memory does not grow with the reports, and the first pass's grows by bytes per distinct test.
 */
export class Identities {
  private seen: FingerprintTable | null = new FingerprintTable();
  private ambiguous: FingerprintTable | null = null;
  private repeated: FingerprintTable | null = null;

  constructor(
    private readonly repo: string | null,
    private readonly cwd: string,
  ) {}

  observe(c: ParsedCase): void {
    if (!this.seen) throw new Error('Identities.observe after the first pass ended');
    // An unnamed case is numbered in the second pass: its id is unique by construction.
    if (c.name === null) return;
    const k = key([normalizeFile(c.file, this.cwd) ?? c.className, c.name]);
    const cls = (key([c.className])[0] & CLASS_BITS) >>> 0 || 2;
    const v = this.seen.get(k);
    if (v === undefined) this.seen.set(k, cls);
    else {
      const first = (v & CLASS_BITS) >>> 0;
      this.seen.set(k, ((first === cls ? first : 0) | REPEATED) >>> 0);
    }
  }

  /** Ends the first pass (keeping only the ambiguous and the repeated pairs) and starts a second. */
  identifier(): (c: ParsedCase) => IdentifiedCase {
    if (this.seen) {
      this.ambiguous = new FingerprintTable(16);
      this.repeated = new FingerprintTable(16);
      for (const [k, v] of this.seen.entries()) {
        if (v & REPEATED) this.repeated.set(k, 1);
        if ((v & CLASS_BITS) === 0) this.ambiguous.set(k, 1);
      }
      this.seen = null;
    }
    const ambiguous = this.ambiguous!;
    const repeated = this.repeated!;
    const occurrences = new FingerprintTable(16);
    const unnamed = new FingerprintTable(16);
    return (c) => {
      const f = normalizeFile(c.file, this.cwd);
      const location = f ?? c.className;
      if (c.name === null) {
        // Runners that write no name (a crashed fixture, some Catch2 sections) still ran distinct
        // tests: one shared id would file them as attempts of one test and call it flaky. Each is
        // numbered within its location and class, in document order, and keeps its class in the id.
        const name = `(unnamed #${unnamed.increment(key([location, c.className]))})`;
        return { testId: testId(this.repo, location, name, c.className), file: f, name, occurrence: 1 };
      }
      const k = key([location, c.name]);
      const isAmbiguous = f !== null && ambiguous.get(k) !== undefined;
      const id = testId(this.repo, location, c.name, isAmbiguous ? c.className : undefined);
      // Cases sharing an id share their (location, name): only a repeated pair can be a retry.
      const occurrence =
        repeated.get(k) === undefined
          ? 1
          : occurrences.increment([parseInt(id.slice(0, 8), 16), parseInt(id.slice(8, 16), 16)]);
      return { testId: id, file: f, name: c.name, occurrence };
    };
  }
}

/** Identities for cases held in memory, in document order (files in the order given). */
export function identify(repo: string | null, cases: readonly ParsedCase[], cwd: string): IdentifiedCase[] {
  const ids = new Identities(repo, cwd);
  for (const c of cases) ids.observe(c);
  return cases.map(ids.identifier());
}
