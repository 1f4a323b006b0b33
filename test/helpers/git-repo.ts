import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real git repository in a temp dir, isolated from the user's git config, with fixed dates. */
export class TestRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'pitwall-git-'));

  constructor() {
    this.git(['init', '-q', '-b', 'main']);
  }

  git(args: string[], opts: { at?: string; author?: [string, string]; input?: string } = {}): string {
    const [name, email] = opts.author ?? ['Ada Lovelace', 'Ada@Example.com'];
    const date = opts.at ?? '2024-03-04T10:00:00Z';
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      input: opts.input,
      env: {
        PATH: process.env.PATH,
        HOME: this.dir,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: name,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_NAME: name,
        GIT_COMMITTER_EMAIL: email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    });
  }

  write(path: string, content: string | Buffer): this {
    writeFileSync(join(this.dir, path), content);
    this.git(['add', path]);
    return this;
  }

  /** Commits what is staged; returns the new sha. */
  commit(message: string, opts: { at?: string; author?: [string, string] } = {}): string {
    this.git(['commit', '-q', '--allow-empty', '-m', message], opts);
    return this.head();
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const lines = (n: number, prefix = 'line') =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join('');

export interface Fixture {
  repo: TestRepo;
  sha: Record<'c1' | 'c2' | 'c3' | 'c4' | 'merge' | 'c6' | 'revert' | 'bot', string>;
}

/**
 * The known history the git tests and git metric tests check against (week of Mon 2024-03-04):
 *
 *   c1   Initial commit        ada    a.txt +3, b.bin (binary)       add 3  del 0 files 2
 *   c2   Add feature (#12)     ada    a.txt +3 -1, c.txt +4           add 7  del 1 files 2   squash PR 12
 *   c3   Fix login             bob    login.txt +5 (on hotfix/login)  add 5  del 0 files 1
 *   c4   Tweak docs            ada    a.txt +1                        add 1  del 0 files 1
 *   merge "Merge pull request #13 from acme/hotfix/login" (--no-ff)   first-parent diff +5, 1 file; PR 13; hotfix by branch
 *   c6   hotfix: null pointer  carol  c.txt +1 -1                     add 1  del 1 files 1   hotfix by subject
 *   revert  Revert "Tweak docs" ada   a.txt -1                        add 0  del 1 files 1   reverts c4
 *   bot  Bump lodash           dependabot[bot] package.txt +1         add 1  del 0 files 1
 *
 * Tags: v0.1 (lightweight, on c2), v1.0 (annotated, on c6, tagged 2024-03-08T12:00Z).
 * Remote origin git@github.com:acme/shop.git, so the repository is named acme/shop.
 */
export function buildFixture(): Fixture {
  const r = new TestRepo();
  const day = (d: number, h: number) => `2024-03-0${4 + d}T${String(h).padStart(2, '0')}:00:00Z`;
  const bob: [string, string] = ['Bob Builder', 'bob@example.com'];
  const carol: [string, string] = ['Carol', 'carol@example.com'];
  const bot: [string, string] = ['dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com'];
  r.git(['remote', 'add', 'origin', 'git@github.com:acme/shop.git']);
  r.write('a.txt', 'one\ntwo\nthree\n').write('b.bin', Buffer.from([0, 1, 2, 0, 255, 0, 7]));
  const c1 = r.commit('Initial commit', { at: day(0, 9) });
  r.write('a.txt', 'one\nTWO\nthree\nfour\nfive\n').write('c.txt', lines(4));
  const c2 = r.commit('Add feature (#12)', { at: day(0, 15) });
  r.git(['checkout', '-q', '-b', 'hotfix/login']);
  r.write('login.txt', lines(5, 'login'));
  const c3 = r.commit('Fix login', { at: day(1, 10), author: bob });
  r.git(['checkout', '-q', 'main']);
  r.write('a.txt', 'one\nTWO\nthree\nfour\nfive\nsix\n');
  const c4 = r.commit('Tweak docs', { at: day(1, 11) });
  r.git(['merge', '-q', '--no-ff', '-m', 'Merge pull request #13 from acme/hotfix/login', 'hotfix/login'], {
    at: day(2, 9),
    author: bob,
  });
  const merge = r.head();
  r.write('c.txt', lines(3) + 'line four fixed\n');
  const c6 = r.commit('hotfix: null pointer', { at: day(2, 14), author: carol });
  r.git(['revert', '--no-edit', c4], { at: day(3, 10) });
  const revert = r.head();
  r.write('package.txt', 'lodash 4.17.21\n');
  const botSha = r.commit('Bump lodash', { at: day(4, 8), author: bot });
  r.git(['tag', 'v0.1', c2]);
  r.git(['tag', '-a', '-m', 'release 1.0', 'v1.0', c6], { at: day(4, 12) });
  return { repo: r, sha: { c1, c2, c3, c4, merge, c6, revert, bot: botSha } };
}
