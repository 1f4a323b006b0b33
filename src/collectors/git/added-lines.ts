import { formatRanges } from '../../domain/line-ranges.js';
import type { RecordInput } from '../../domain/records.js';
import { gitLineChunks } from './exec.js';

/**
 * The second, narrow pass of `git.added_lines`: only the commits that landed a pull request
 * (their message names one: GitHub's merge and squash subjects), each with its patch and no
 * context lines. A merge's patch is its first-parent diff, what the PR brought in. The main log
 * stays numstat-only, so a history of commits no PR names costs nothing more.
 */
export const ADDED_LINES_ARGS = [
  'log',
  '--no-walk=unsorted',
  '--stdin',
  '--no-ext-diff',
  '--no-textconv',
  '--find-renames',
  '--diff-merges=first-parent',
  '-p',
  '-U0',
  '--no-color',
  '--format=%x00%x00%H',
];

/** The commit_lines records of `shas` (those that added lines), as git prints them. */
export async function* addedLineRecords(
  repoPath: string,
  repo: string,
  shas: readonly string[],
): AsyncGenerator<RecordInput<'commit_lines'>[], void, void> {
  if (!shas.length) return;
  let sha: string | null = null;
  let patch = new PatchReader();
  const done = (): RecordInput<'commit_lines'> | null =>
    sha && patch.added.size
      ? {
          kind: 'commit_lines',
          repo,
          sha,
          added: Object.fromEntries([...patch.added].map(([p, r]) => [p, formatRanges(r)])),
        }
      : null;
  for await (const lines of gitLineChunks(repoPath, ADDED_LINES_ARGS, shas.join('\n') + '\n')) {
    const out: RecordInput<'commit_lines'>[] = [];
    for (const line of lines) {
      // A header only between hunks: content lines are skipped by count, whatever they hold.
      if (patch.between() && line.startsWith('\0\0')) {
        const r = done();
        if (r) out.push(r);
        sha = line.slice(2);
        patch = new PatchReader();
      } else patch.push(line);
    }
    if (out.length) yield out;
  }
  const last = done();
  if (last) yield [last];
}

/**
 * The lines a commit added, per path, read from the `-p -U0` patch git log prints: `+++ b/<path>` names the file, each `@@ -a,b +c,d @@` adds lines c..c+d-1
 * of the new file. With no context lines the hunk headers alone say it; the b + d content lines
 * after each header are skipped by count, so no content line (one starting "+++ " or with NUL
 * bytes) is ever read as anything else.
 */
export class PatchReader {
  /** Content lines of the current hunk still to skip. */
  private left = 0;
  private path: string | null = null;
  readonly added = new Map<string, [number, number][]>();

  /** Not inside a hunk's content: the next line may start the next commit. */
  between(): boolean {
    return this.left === 0;
  }

  push(line: string): void {
    if (this.left > 0) {
      if (line.charCodeAt(0) !== 92 /* \ No newline at end of file */) this.left--;
      return;
    }
    if (line.startsWith('@@ ')) return this.hunk(line);
    if (line.startsWith('+++ ')) {
      // git ends the name with a tab when it holds a space, so the line's end is unambiguous.
      const p = line.slice(4).replace(/\t$/, '');
      this.path = p === '/dev/null' ? null : unquote(p).replace(/^b\//, '');
      return;
    }
    if (line.startsWith('diff ')) this.path = null;
  }

  private hunk(line: string): void {
    const m = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!m) return;
    const removed = m[1] === undefined ? 1 : Number(m[1]);
    const start = Number(m[2]);
    const count = m[3] === undefined ? 1 : Number(m[3]);
    this.left = removed + count;
    if (!count || !this.path) return;
    let ranges = this.added.get(this.path);
    if (!ranges) this.added.set(this.path, (ranges = []));
    const last = ranges.at(-1);
    if (last && last[1] + 1 >= start) last[1] = Math.max(last[1], start + count - 1);
    else ranges.push([start, start + count - 1]);
  }
}

/** A path git quoted (core.quotepath: "b/caf\303\251.txt") as the file's real name. */
export function unquote(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const bytes: number[] = [];
  const s = p.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, '"': 34, '\\': 92, a: 7, b: 8, f: 12, r: 13, v: 11 };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = s[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
