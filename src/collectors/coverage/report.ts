import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { readCobertura } from './cobertura.js';
import { merge, totals, type FileResult, type FileTotals } from './file-coverage.js';
import { readJacoco } from './jacoco.js';
import { readLcov } from './lcov.js';
import { PathNormaliser } from './paths.js';

export const FORMATS = ['lcov', 'cobertura', 'jacoco'] as const;
export type CoverageFormat = (typeof FORMATS)[number];

/** Every file of one invocation, read to its end: one report, its files by repository path. */
export interface ReadCoverage {
  files: Map<string, FileTotals>;
  /** sha256 of each input file, in order: the report's identity. */
  digests: string[];
  /** The newest of the reports' own time stamps, else of the files' times. */
  writtenAt: Date;
  /** Files whose path lies outside the repository (kept as written). */
  outside: number;
}

async function digestOf(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file) || file;
  return rel.startsWith('..') ? file : rel;
}

/**
 * Reads every report completely before anything is written: one bad file fails the whole
 * invocation at its file:line. Files named by several reports (a monorepo's per-package lcov
 * files, two test suites) are merged: a line is covered if any report covered it.
 */
export async function readCoverage(
  paths: readonly string[],
  o: { format: CoverageFormat; cwd: string; root: string; sourceRoots: readonly string[] },
): Promise<ReadCoverage> {
  const results = new Map<string, FileResult>();
  const normaliser = new PathNormaliser(o.root);
  const digests: string[] = [];
  let stamped = 0;
  let newestFile = 0;
  for (const path of paths) {
    let stampedHere = 0;
    const sink = {
      file(raw: string, bases: readonly string[], r: FileResult) {
        const p = normaliser.normalise(raw, bases.length ? bases : [o.cwd]);
        const old = results.get(p);
        results.set(p, old ? merge(old, r) : r);
      },
      writtenAt(ms: number) {
        stampedHere = Math.max(stampedHere, ms);
      },
    };
    const name = shown(path, o.cwd);
    if (o.format === 'lcov') await readLcov(path, name, sink);
    else if (o.format === 'cobertura') await readCobertura(path, name, sink);
    else await readJacoco(path, name, sink, o.sourceRoots);
    stamped = Math.max(stamped, stampedHere);
    newestFile = Math.max(newestFile, (await stat(path)).mtimeMs);
    digests.push(await digestOf(path));
  }
  const files = new Map<string, FileTotals>();
  for (const [p, r] of [...results].sort(([a], [b]) => (a < b ? -1 : 1))) files.set(p, totals(r));
  return {
    files,
    digests,
    writtenAt: new Date(Math.round(stamped || newestFile)),
    outside: normaliser.outside,
  };
}
