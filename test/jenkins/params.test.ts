import { describe, expect, it } from 'vitest';
import { buildParameters } from '../../src/collectors/jenkins/params.js';

const str = (name: string, value: unknown) => ({ _class: 'hudson.model.StringParameterValue', name, value });

describe('Jenkins build parameters', () => {
  it('is null without parameters, keeps the last value of a repeated name and odd names as plain keys', () => {
    expect(buildParameters([])).toBeNull();
    const p = buildParameters([
      str('ENV', 'dev'),
      str('ENV', 'prod'),
      str('__proto__', 'x'),
      str('constructor', 1),
    ]);
    expect(p).toEqual({ ENV: 'prod', ['__proto__']: 'x', constructor: 1 });
    expect(Object.keys(p!)).toEqual(['ENV', '__proto__', 'constructor']);
  });

  it('bounds what one build stores: 100 parameters, 1,000 characters a value, names up to 200', () => {
    const many = Array.from({ length: 150 }, (_, i) => str(`P${i}`, 'v'));
    expect(Object.keys(buildParameters(many)!)).toHaveLength(100);
    const long = buildParameters([str('NOTES', 'n'.repeat(5000)), str('x'.repeat(201), 'v')])!;
    expect(long.NOTES).toHaveLength(1000);
    expect(Object.keys(long)).toEqual(['NOTES']);
  });

  it('redacts a secret even past the cut, and a password parameter whatever its value', () => {
    const token = `ghp_${'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2'}`;
    const p = buildParameters([
      str('ARGS', `${'a '.repeat(490)}${token}`),
      { _class: 'hudson.model.PasswordParameterValue', name: 'PLAIN', value: 'v' },
      {
        _class: 'com.michelin.cio.hudson.plugins.passwordparam.PasswordParameterValue',
        name: 'X',
        value: 'y',
      },
    ])!;
    // The token straddles the cut: redacted first, so no prefix of it survives the cut.
    expect(p.ARGS).toHaveLength(990);
    expect(String(p.ARGS).endsWith('[REDACTED]')).toBe(true);
    expect(JSON.stringify(p)).not.toContain(token.slice(0, 8));
    expect(p.PLAIN).toBe('[REDACTED]');
    expect(p.X).toBe('[REDACTED]');
  });
});
