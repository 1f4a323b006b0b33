import { describe, expect, it } from 'vitest';
import { waitFromHeaders } from './http.js';

describe('waitFromHeaders', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }, 10_000],
    [{ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }, 0],
    // PagerDuty's rate-limit headers: seconds until the window resets.
    [{ 'ratelimit-limit': '960', 'ratelimit-remaining': '0', 'ratelimit-reset': '17' }, 17_000],
    // Opsgenie's: the length of the period the limit counts over.
    [{ 'x-ratelimit-period-in-sec': '60' }, 60_000],
    [{}, null],
    [{ 'retry-after': 'soon' }, null],
  ])('%o waits %s ms', (headers, ms) => {
    expect(waitFromHeaders(new Headers(headers), now)).toBe(ms);
  });
});
