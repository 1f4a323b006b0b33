import { describe, expect, it } from 'vitest';
import { LOG_FORMAT, LogParser, renamedTo } from './log-parser.js';

describe('git log parsing of changed paths', () => {
  it('keeps the new path of a rename in both numstat forms', () => {
    expect(renamedTo('src/a.ts')).toBe('src/a.ts');
    expect(renamedTo('old/name.ts => new/name.ts')).toBe('new/name.ts');
    expect(renamedTo('services/{api => gateway}/main.go')).toBe('services/gateway/main.go');
    expect(renamedTo('src/{ => lib}/util.ts')).toBe('src/lib/util.ts');
  });

  it('collects every numstat path of a commit, binary files included', () => {
    expect(LOG_FORMAT).toContain('%H');
    const p = new LogParser();
    const header = `\0\0${'a'.repeat(40)}\0\0Ada\0ada@example.com\x001700000000\x001700000000\0subject\0\0\0`;
    p.push(header);
    p.push('3\t1\tservices/api/main.go');
    p.push('-\t-\tassets/logo.png');
    p.push('1\t0\tdocs/{old => new}/readme.md');
    const c = p.end()!;
    expect(c.paths).toEqual(['services/api/main.go', 'assets/logo.png', 'docs/new/readme.md']);
    expect([c.files, c.additions, c.deletions]).toEqual([3, 4, 1]);
  });
});
