import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { invalidArgument } from '../../errors/errors.js';

/** Dependency and VCS folders never hold a report of ours, and crawling them is slow. */
const IGNORE = ['**/node_modules/**', '**/.git/**'];

/** What a directory scan reads: XML reports and Visual Studio's .trx (XML under its own extension). */
const REPORT_FILES = ['**/*.xml', '**/*.trx'];

/**
 * Report files for the PATH arguments: a file as is, a directory as every *.xml and *.trx below it, a
 * glob as its matches. Absolute, sorted and de-duplicated, so attempts are numbered the same way
 * on every run. A PATH that names nothing is an error: a typo must not look like "no tests".
 */
export async function resolveReportPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    if (isDynamicPattern(p)) {
      const found = await glob(p, {
        cwd,
        absolute: true,
        onlyFiles: true,
        ignore: IGNORE,
        expandDirectories: false,
      });
      if (!found.length) throw invalidArgument(`${p}: no file matches this pattern`);
      found.sort().forEach((f) => out.add(f));
      continue;
    }
    const abs = resolve(cwd, p);
    const st = await stat(abs).catch(() => null);
    if (!st) throw invalidArgument(`${p}: no such file or directory`);
    if (st.isDirectory()) {
      const found = await glob(REPORT_FILES, { cwd: abs, absolute: true, onlyFiles: true, ignore: IGNORE });
      if (!found.length)
        throw invalidArgument(
          `${p}: the directory holds no *.xml or *.trx report; name the report files or a glob`,
        );
      found.sort().forEach((f) => out.add(f));
    } else out.add(abs);
  }
  return [...out];
}
