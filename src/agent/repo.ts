import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { repoKey } from '../domain/repo-key.js';

/**
 * The repository a command ran in, from its working directory: walk up to the directory with
 * `.git`, then read `.git/config` (no git process per command) for the origin remote's URL.
 * The key is the one `pitwall collect git` gives the same clone (src/domain/repo-key.ts).
 */
export interface RepoOf {
  root: string;
  repo: string;
}

/** The URL of `[remote "origin"]` in a git config file's text, else of the first remote. */
export function remoteUrl(configText: string): string | null {
  let section: string | null = null;
  let first: string | null = null;
  for (const raw of configText.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[\s*([^\]"\s]+)(?:\s+"([^"]*)")?\s*\]/.exec(line);
    if (s) {
      section = s[1]!.toLowerCase() === 'remote' ? (s[2] ?? '') : null;
      continue;
    }
    if (section === null) continue;
    const kv = /^url\s*=\s*(.*)$/i.exec(line);
    if (!kv) continue;
    const url = kv[1]!.replace(/^"(.*)"$/, '$1');
    if (section === 'origin') return url;
    first ??= url;
  }
  return first;
}

/** The git dir a `.git` entry points to: itself, or a worktree's/submodule's `gitdir:` file. */
function commonGitDir(dotGit: string): string | null {
  let st;
  try {
    st = statSync(dotGit);
  } catch {
    return null;
  }
  let gitDir = dotGit;
  if (st.isFile()) {
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!m) return null;
    gitDir = isAbsolute(m[1]!.trim()) ? m[1]!.trim() : resolve(dirname(dotGit), m[1]!.trim());
    try {
      // A worktree's config is the main repository's: `commondir` points there.
      const common = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
      gitDir = isAbsolute(common) ? common : resolve(gitDir, common);
    } catch {
      // A submodule: its own git dir holds its config.
    }
  }
  return gitDir;
}

/** Finds repositories from directories, remembering every directory it walked through. */
export class RepoFinder {
  private readonly cache = new Map<string, RepoOf | null>();

  /** `maxAgeMs`: a long-running agent forgets after this, so a clone made later is seen. */
  constructor(private readonly maxAgeMs = 5 * 60_000) {}
  private born = Date.now();

  find(cwd: string): RepoOf | null {
    if (Date.now() - this.born > this.maxAgeMs) {
      this.cache.clear();
      this.born = Date.now();
    }
    const hit = this.cache.get(cwd);
    if (hit !== undefined) return hit;
    if (!isAbsolute(cwd)) return null;
    const walked: string[] = [];
    let dir = cwd;
    let found: RepoOf | null = null;
    for (;;) {
      const known = this.cache.get(dir);
      if (known !== undefined) {
        found = known;
        break;
      }
      walked.push(dir);
      const gitDir = commonGitDir(join(dir, '.git'));
      if (gitDir) {
        let url: string | null = null;
        try {
          url = remoteUrl(readFileSync(join(gitDir, 'config'), 'utf8'));
        } catch {
          // No config (a bare-bones .git): keyed by its folder.
        }
        found = { root: dir, repo: repoKey(url, dir) };
        break;
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of walked) this.cache.set(d, found);
    return found;
  }
}
