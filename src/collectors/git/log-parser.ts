/**
 * Parses the output of `git log --format=LOG_FORMAT --numstat` one line at a time.
 *
 * Each commit starts with a header framed by two NUL bytes: `\0\0` fields separated by `\0`,
 * ending in `\0\0`. Git's pretty printer handles messages and identities as C strings, so no
 * field can contain NUL: the framing cannot be forged by a commit message, and a multi-line
 * body is simply accumulated until the closing `\0\0`. Numstat lines follow the header.
 */
export const LOG_FORMAT = '%x00%x00%H%x00%P%x00%an%x00%ae%x00%at%x00%ct%x00%s%x00%b%x00%x00';

export interface ParsedCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Epoch milliseconds. */
  authoredAt: number;
  committedAt: number;
  subject: string;
  body: string;
  additions: number;
  deletions: number;
  /** Files in the numstat; a binary file counts as a file with 0 lines. */
  files: number;
  /** Changed paths; a rename gives its new path. */
  paths: string[];
}

const FRAME = '\0\0';
const FIELDS = 8;

export class LogParser {
  private current: ParsedCommit | null = null;
  private header: string[] | null = null;

  /** Feeds one line (without its newline); returns the previous commit when this line starts a new one. */
  push(line: string): ParsedCommit | null {
    if (this.header) {
      this.header.push(line);
      if (line.endsWith(FRAME)) this.closeHeader();
      return null;
    }
    if (line.startsWith(FRAME)) {
      const done = this.current;
      this.current = null;
      this.header = [line];
      if (line.length > 2 && line.endsWith(FRAME)) this.closeHeader();
      return done;
    }
    if (this.current && line.length) this.numstat(this.current, line);
    return null;
  }

  /** Call after the last line: returns the commit still open, if any. */
  end(): ParsedCommit | null {
    if (this.header) throw new Error('git log output ended inside a commit header');
    const done = this.current;
    this.current = null;
    return done;
  }

  private closeHeader(): void {
    const text = this.header!.join('\n');
    this.header = null;
    const f = text.slice(2, -2).split('\0');
    if (f.length !== FIELDS) throw new Error(`unexpected git log header with ${f.length} fields`);
    const [sha, parents, authorName, authorEmail, at, ct, subject, body] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    this.current = {
      sha,
      parents: parents ? parents.split(' ') : [],
      authorName,
      authorEmail,
      authoredAt: Number(at) * 1000,
      committedAt: Number(ct) * 1000,
      subject,
      body,
      additions: 0,
      deletions: 0,
      files: 0,
      paths: [],
    };
  }

  /** `<added>\t<deleted>\t<path>`; binary files show `-\t-\t<path>`. */
  private numstat(c: ParsedCommit, line: string): void {
    const t1 = line.indexOf('\t');
    const t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
    if (t2 < 0) return;
    const a = line.slice(0, t1);
    const d = line.slice(t1 + 1, t2);
    c.files++;
    c.paths.push(renamedTo(line.slice(t2 + 1)));
    if (a !== '-') c.additions += Number(a) || 0;
    if (d !== '-') c.deletions += Number(d) || 0;
  }
}

/** numstat shows renames as `old => new` or `dir/{old => new}/file`: keep the new path. */
export function renamedTo(path: string): string {
  const brace = /\{([^{}]*) => ([^{}]*)\}/;
  if (brace.test(path)) return path.replace(brace, '$2').replace('//', '/');
  const arrow = path.indexOf(' => ');
  return arrow < 0 ? path : path.slice(arrow + 4);
}
