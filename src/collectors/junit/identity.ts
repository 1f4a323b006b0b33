import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
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
  /** 1..n within the collection: the same test seen again is a retry (pytest reruns, Marathon, Go -count). */
  occurrence: number;
}

/** Identities for cases in document order (files in the order given), with retry occurrences. */
export function identify(repo: string | null, cases: readonly ParsedCase[], cwd: string): IdentifiedCase[] {
  const files = cases.map((c) => normalizeFile(c.file, cwd));
  const classesByFileName = new Map<string, Set<string>>();
  cases.forEach((c, i) => {
    const f = files[i];
    if (!f) return;
    const k = JSON.stringify([f, c.name]);
    const set = classesByFileName.get(k) ?? new Set<string>();
    set.add(c.className);
    classesByFileName.set(k, set);
  });
  const seen = new Map<string, number>();
  return cases.map((c, i) => {
    const f = files[i] ?? null;
    const ambiguous = f !== null && (classesByFileName.get(JSON.stringify([f, c.name]))?.size ?? 0) > 1;
    const id = testId(repo, f ?? c.className, c.name, ambiguous ? c.className : undefined);
    const occurrence = (seen.get(id) ?? 0) + 1;
    seen.set(id, occurrence);
    return { testId: id, file: f, occurrence };
  });
}
