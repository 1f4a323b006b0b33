import { describe, expect, it } from 'vitest';
import { parseLine, parsePacket, type ParsedLine } from './parse.js';

function metric(line: string) {
  const p = parseLine(line);
  if (p.kind !== 'metric') throw new Error(`expected a metric from ${line}, got ${JSON.stringify(p)}`);
  return p.sample;
}

describe('DogStatsD line parser', () => {
  it('reads the seed-shaped lines hot-shots sends', () => {
    const t = metric('testenv.provision.total_duration:183400|ms|#repo:mural-kraken,ci_tests_complete:true');
    expect(t).toMatchObject({
      name: 'testenv.provision.total_duration',
      type: 'ms',
      values: [183400],
      sampleRate: 1,
    });
    expect(t.tags).toEqual([
      ['ci_tests_complete', 'true'],
      ['repo', 'mural-kraken'],
    ]);
    expect(metric('testenv.provision.failed:1|c|#failure_type:timeout')).toMatchObject({
      type: 'c',
      values: [1],
    });
    expect(metric('testenv.operator.reconcile_duration:12.5|h').values).toEqual([12.5]);
    expect(metric('testenv.provision.checks.duration:0.75|d').type).toBe('d');
  });

  it('reads sample rates, timestamps, container ids, bare tags and tag values holding colons', () => {
    const s = metric('api.hits:3|c|@0.25|#env:prod,canary,url:http://x:80|T1764657000|c:abc123');
    expect(s.sampleRate).toBe(0.25);
    expect(s.timestamp).toBe(1764657000);
    expect(s.container).toBe('abc123');
    expect(s.tags).toEqual([
      ['canary', ''],
      ['env', 'prod'],
      ['url', 'http://x:80'],
    ]);
  });

  it('reads several values on one line (DogStatsD 1.1) and sets as text', () => {
    expect(metric('a.b:1:2:3.5|d').values).toEqual([1, 2, 3.5]);
    const set = metric('users.seen:alice:bob|s');
    expect(set.setMembers).toEqual(['alice', 'bob']);
    expect(set.values).toEqual([]);
  });

  it('tells a gauge delta from a gauge value', () => {
    expect(metric('q.depth:+3|g').gaugeDelta).toBe(true);
    expect(metric('q.depth:-3|g')).toMatchObject({ gaugeDelta: true, values: [-3] });
    expect(metric('q.depth:7|g').gaugeDelta).toBe(false);
    expect(metric('x.y:1e3|g').values).toEqual([1000]);
  });

  it('acknowledges events and service checks', () => {
    expect(parseLine('_e{5,4}:title|text|#env:prod').kind).toBe('event');
    expect(parseLine('_sc|redis.can_connect|0|#env:prod').kind).toBe('service_check');
  });

  it('splits packets and skips blank lines', () => {
    const kinds = parsePacket('a.b:1|c\n\nc.d:2|g\n_e{1,1}:a|b\n').map((p) => p.kind);
    expect(kinds).toEqual(['metric', 'metric', 'event']);
  });

  it.each([
    ['no.value', 'expected name:value'],
    [':1|c', 'expected name:value'],
    ['a.b:1', 'missing |type'],
    ['a.b:1|x', 'unknown type "x"'],
    ['a.b:abc|g', 'value "abc" is not a number'],
    ['a.b:1::2|d', 'empty value'],
    ['a.b:1|c|@2', 'sample rate "@2"'],
    ['a.b:1|c|@0', 'sample rate "@0"'],
    ['a.b:1|c|@x', 'sample rate "@x"'],
    ['a.b:1|c|Tsoon', 'timestamp "Tsoon"'],
    ['a.b:1|c||#a:b', 'empty | field'],
    ['a.b:Infinity|g', 'is not a number'],
    ['_e{x}:t|t', 'event header'],
    ['_sc|only', 'service check needs'],
  ])('gives a reason for %s without throwing', (line, reason) => {
    const p: ParsedLine = parseLine(line);
    expect(p.kind).toBe('malformed');
    expect(p.kind === 'malformed' && p.reason).toContain(reason);
  });

  it('never throws on arbitrary bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: 1 + (i % 40) }, (_, j) =>
        String.fromCharCode(((i * 31 + j * 17) % 95) + 32),
      ).join('');
      expect(() => parsePacket(s.replaceAll('~', '\n'))).not.toThrow();
    }
  });
});
