import { afterAll, describe, expect, it } from 'vitest';
import { TestRepo } from '../../../test/helpers/git-repo.js';
import { addedLineRecords, unquote } from './added-lines.js';

const collect = async (dir: string, shas: string[]) => {
  const out: Record<string, unknown> = {};
  for await (const batch of addedLineRecords(dir, 'acme/x', shas))
    for (const r of batch) out[r.sha] = r.added;
  return out;
};

describe('the lines a commit added, from git’s -U0 hunk headers', () => {
  const repo = new TestRepo();
  afterAll(() => repo.cleanup());

  it('names with spaces and non-ASCII, renames with edits, content that looks like patch headers', async () => {
    repo.write('a.txt', 'one\ntwo\nthree\n').write('old name.txt', 'x\ny\n').write('gone.txt', 'bye\n');
    const c1 = repo.commit('one');
    // Lines that a patch shows as "+++ b/evil" and "@@ -1 +1 @@": skipped by count, never parsed.
    repo.write('a.txt', 'one\n++ b/evil\n@@ -1 +1 @@\ntwo\nthree\nfour\n');
    repo.git(['mv', 'old name.txt', 'new name.txt']);
    repo.write('new name.txt', 'x\ny\nz\n');
    repo.write('café.md', 'é\n');
    repo.write('logo.bin', Buffer.from([0, 1, 2, 0]));
    repo.git(['rm', '-q', 'gone.txt']);
    const c2 = repo.commit('two');
    expect(await collect(repo.dir, [c1, c2])).toEqual({
      [c1]: { 'a.txt': '1-3', 'old name.txt': '1-2', 'gone.txt': '1' },
      [c2]: { 'a.txt': '2-3,6', 'new name.txt': '3', 'café.md': '1' },
    });
  });

  it('a commit that only deletes adds nothing and yields no record; no commits, no git run', async () => {
    repo.git(['rm', '-q', 'logo.bin']);
    const c3 = repo.commit('three');
    expect(await collect(repo.dir, [c3])).toEqual({});
    expect(await collect('/nonexistent', [])).toEqual({});
  });

  it('unquotes git’s C-style quoted names', () => {
    expect(unquote('"b/caf\\303\\251.txt"')).toBe('b/café.txt');
    expect(unquote('"b/tab\\there\\"q\\""')).toBe('b/tab\there"q"');
    expect(unquote('b/plain.txt')).toBe('b/plain.txt');
  });
});
