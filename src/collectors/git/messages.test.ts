import { describe, expect, it } from 'vitest';
import { botMatcher, hotfixMatcher } from '../../domain/rules.js';
import { identityOf } from './identity.js';
import { LogParser, type ParsedCommit } from './log-parser.js';
import { readMessage } from './messages.js';
import { nameFromRemote } from './repo.js';

describe('commit messages', () => {
  it.each([
    ['Merge pull request #123 from acme/feature/x', '', true, { prNumber: 123, mergedBranch: 'feature/x' }],
    ['Fix the thing (#45)', '', false, { prNumber: 45, mergedBranch: null }],
    ['Merged in hotfix/db (pull request #7)', '', true, { prNumber: 7, mergedBranch: 'hotfix/db' }],
    [
      "Merge branch 'hotfix/x' into 'main'",
      'Fix\n\nSee merge request grp/proj!88\n',
      true,
      { prNumber: 88, mergedBranch: 'hotfix/x' },
    ],
    ["Merge remote-tracking branch 'origin/dev'", '', true, { prNumber: null, mergedBranch: 'origin/dev' }],
    ['Mention #12 in passing', '', false, { prNumber: null, mergedBranch: null }],
  ])('%s', (subject, body, isMerge, facts) => {
    expect(readMessage(subject, body, isMerge)).toMatchObject(facts);
  });

  it('reads the reverted sha from the body', () => {
    const body = 'Broke the build.\n\nThis reverts commit 0123456789ABCDEF0123456789abcdef01234567.\n';
    expect(readMessage('Revert "x"', body, false).revertsSha).toBe(
      '0123456789abcdef0123456789abcdef01234567',
    );
  });

  it('matches hotfix patterns case-insensitively on the subject or the merged branch', () => {
    const m = hotfixMatcher(['^hotfix\\b', '\\bhotfix[:/(]', '\\bhot-fix\\b']);
    expect(m('HOTFIX: prod down', null)).toBe(true);
    expect(m('Merge pull request #1 from a/b', 'hotfix/login')).toBe(true);
    expect(m('fix(hot-fix) path', null)).toBe(true);
    expect(m('Add hotfixes page', null)).toBe(false);
  });
});

describe('identities and repository names', () => {
  it('uses the lowercased email, else the name', () => {
    expect(identityOf('Ada', ' Ada@Example.COM ')).toBe('ada@example.com');
    expect(identityOf('Ada', '')).toBe('Ada');
  });

  it('recognises bots by [bot] suffix and by bots.logins', () => {
    const isBot = botMatcher(['renovate', 'ci@acme.dev']);
    expect(isBot('dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com')).toBe(true);
    expect(isBot('Renovate', 'bot@renovateapp.com')).toBe(true);
    expect(isBot('CI', 'ci@acme.dev')).toBe(true);
    expect(isBot('Ada', 'ada@example.com')).toBe(false);
  });

  it.each([
    ['https://github.com/acme/api.git', 'acme/api'],
    ['https://github.com/acme/api', 'acme/api'],
    ['git@github.com:acme/api.git', 'acme/api'],
    ['ssh://git@gitlab.example.com:2222/group/sub/api.git', 'sub/api'],
    ['/srv/git/api.git', null],
    ['file:///srv/git/acme/api.git', null],
  ])('%s -> %s', (url, name) => {
    expect(nameFromRemote(url)).toBe(name);
  });
});

describe('log parser', () => {
  const parse = (text: string) => {
    const p = new LogParser();
    const out: ParsedCommit[] = [];
    for (const l of text.split('\n')) {
      const c = p.push(l);
      if (c) out.push(c);
    }
    const last = p.end();
    if (last) out.push(last);
    return out;
  };
  const h = (sha: string, parents: string, subject: string, body: string) =>
    `\0\0${[sha, parents, 'Ada', 'ada@x.org', '100', '200', subject, body].join('\0')}\0\0`;

  it('handles multi-line bodies, empty bodies, binary numstat and renames', () => {
    const text = [
      h('a'.repeat(40), '', 'first', 'line one\n\nline three\n'),
      '',
      '3\t1\ta.txt',
      '-\t-\timg.png',
      '2\t2\tsrc/{old => new}.ts',
      h('b'.repeat(40), `${'a'.repeat(40)} ${'c'.repeat(40)}`, 'merge', ''),
      h('c'.repeat(40), '', 'last', ''),
      '',
      '1\t0\tz.txt',
      '',
    ].join('\n');
    const [a, b, c] = parse(text);
    expect(a).toMatchObject({
      additions: 5,
      deletions: 3,
      files: 3,
      body: 'line one\n\nline three\n',
      authoredAt: 100_000,
    });
    expect(b).toMatchObject({ parents: ['a'.repeat(40), 'c'.repeat(40)], files: 0, body: '' });
    expect(c).toMatchObject({ additions: 1, files: 1, committedAt: 200_000 });
  });
});
