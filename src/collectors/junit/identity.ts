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
 * those names alone: two different tests must never share an id.
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

/** In the first pass's table: this (file, name) was seen under two classes. */
const AMBIGUOUS = 0;

const key = (parts: readonly (string | null)[]) => fingerprint(JSON.stringify(parts));

/**
 * Identities for the cases of one collection, in two passes over them in the same order
 * (files as given, cases in document order): `observe` every case, then identify each with a
 * fresh `identifier()`. The first pass only learns which (file, name) pairs occur under two
 * classes; the second numbers retries. Both keep 64-bit fingerprints, never the cases, so
 * memory grows by bytes per distinct test, not with the size of the reports.
 */
export class Identities {
  /** (file, name) -> 32 bits of the first class seen with it, or AMBIGUOUS. First pass only. */
  private classes: FingerprintTable | null = new FingerprintTable();
  private ambiguous: FingerprintTable | null = null;

  constructor(
    private readonly repo: string | null,
    private readonly cwd: string,
  ) {}

  observe(c: ParsedCase): void {
    if (!this.classes) throw new Error('Identities.observe after the first pass ended');
    const f = normalizeFile(c.file, this.cwd);
    if (!f || c.name === null) return;
    const k = key([f, c.name]);
    const cls = key([c.className])[0] || 1;
    const seen = this.classes.get(k);
    if (seen === undefined) this.classes.set(k, cls);
    else if (seen !== AMBIGUOUS && seen !== cls) this.classes.set(k, AMBIGUOUS);
  }

  /** Ends the first pass (only the ambiguous pairs are kept) and starts a second one. */
  identifier(): (c: ParsedCase) => IdentifiedCase {
    if (this.classes) {
      const ambiguous = new FingerprintTable(16);
      for (const [k, v] of this.classes.entries()) if (v === AMBIGUOUS) ambiguous.set(k, 1);
      this.ambiguous = ambiguous;
      this.classes = null;
    }
    const ambiguous = this.ambiguous!;
    const occurrences = new FingerprintTable();
    const unnamed = new FingerprintTable(16);
    return (c) => {
      const f = normalizeFile(c.file, this.cwd);
      const location = f ?? c.className;
      let name: string;
      let id: string;
      if (c.name === null) {
        // Runners that write no name (a crashed fixture, some Catch2 sections) still ran distinct
        // tests: one shared id would file them as attempts of one test and call it flaky. Each is
        // numbered within its location and class, in document order, and keeps its class in the id.
        name = `(unnamed #${unnamed.increment(key([location, c.className]))})`;
        id = testId(this.repo, location, name, c.className);
      } else {
        name = c.name;
        const isAmbiguous = f !== null && ambiguous.get(key([f, name])) !== undefined;
        id = testId(this.repo, location, name, isAmbiguous ? c.className : undefined);
      }
      const occurrence = occurrences.increment([parseInt(id.slice(0, 8), 16), parseInt(id.slice(8, 16), 16)]);
      return { testId: id, file: f, name, occurrence };
    };
  }
}

/** Identities for cases held in memory, in document order (files in the order given). */
export function identify(repo: string | null, cases: readonly ParsedCase[], cwd: string): IdentifiedCase[] {
  const ids = new Identities(repo, cwd);
  for (const c of cases) ids.observe(c);
  return cases.map(ids.identifier());
}
