import { existsSync } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';

/**
 * Where JaCoCo's package paths (`com/acme/Foo.java`, which name no source folder) are looked
 * for, in order, when `--source-root` is not given: Maven's and Gradle's layouts, then the root.
 */
export const JVM_SOURCE_ROOTS = ['src/main/java', 'src/main/kotlin', 'src/main/scala', 'src', ''];

const toPosix = (p: string) => p.replace(/\\/g, '/');

/**
 * Turns the paths a coverage tool wrote into repository-relative ones (posix separators), so
 * they match the paths git records for each commit:
 * 1. `file://` and Windows separators are dropped;
 * 2. a relative path is resolved against the report's own bases (Cobertura's `<source>`s, the
 *    source roots for JaCoCo, else the working directory), the first base under which it exists;
 * 3. a path under the repository root is made relative to it;
 * 4. a path from another machine (a CI runner's /home/runner/work/app/app/src/a.js) becomes its
 *    longest suffix that exists in the repository (src/a.js);
 * 5. anything else is kept as written (outside the repository: it matches no commit's paths).
 */
export class PathNormaliser {
  private readonly cache = new Map<string, string>();
  outside = 0;

  constructor(private readonly root: string) {}

  normalise(raw: string, bases: readonly string[]): string {
    const key = `${bases.join('\0')}\0${raw}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const out = this.resolveOne(toPosix(raw.trim().replace(/^file:\/\//, '')), bases);
    this.cache.set(key, out);
    return out;
  }

  private resolveOne(p: string, bases: readonly string[]): string {
    const windowsAbsolute = /^[A-Za-z]:\//.test(p);
    if (isAbsolute(p) || windowsAbsolute) return this.fromAbsolute(p);
    const candidates = bases.map((b) => resolve(this.root, toPosix(b), p));
    const found = candidates.find((c) => existsSync(c)) ?? candidates[0] ?? resolve(this.root, p);
    return this.fromAbsolute(toPosix(found));
  }

  private fromAbsolute(abs: string): string {
    const rel = toPosix(relative(this.root, abs));
    if (rel && !rel.startsWith('../') && rel !== '..' && !isAbsolute(rel)) return posix.normalize(rel);
    const parts = abs.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const suffix = parts.slice(i).join('/');
      if (existsSync(join(this.root, suffix))) return suffix;
    }
    this.outside++;
    return abs;
  }
}
