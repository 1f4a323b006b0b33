import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export const TestOctokit = Octokit.plugin(paginateRest, throttling, retry);
export type TestOctokitClient = InstanceType<typeof TestOctokit>;

export interface ThrottleLog {
  rateLimit: number[];
  secondaryLimit: number[];
}

/**
 * The real Octokit stack the collector uses, with waits scaled to milliseconds (a retry-after
 * of 1 s waits 10 ms) so fault tests stay fast; `log` records what the throttling plugin saw.
 */
export function testOctokit(
  baseUrl: string,
  auth = 'test-token',
  retryAfterBaseValue = 10,
): { octokit: TestOctokitClient; log: ThrottleLog } {
  const log: ThrottleLog = { rateLimit: [], secondaryLimit: [] };
  const octokit = new TestOctokit({
    auth,
    baseUrl,
    throttle: {
      retryAfterBaseValue,
      onRateLimit: (retryAfter, _options, _octokit, retryCount) => {
        log.rateLimit.push(retryAfter);
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter, _options, _octokit, retryCount) => {
        log.secondaryLimit.push(retryAfter);
        return retryCount < 2;
      },
    },
    retry: { retryAfterBaseValue: 10 },
  });
  return { octokit, log };
}
