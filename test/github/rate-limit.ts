export type Resource = 'core' | 'graphql' | 'search';

export interface RateLimitOptions {
  /** Points per window for REST (`core`) and GraphQL; GitHub gives a PAT 5,000 of each per hour. */
  core?: number;
  graphql?: number;
  windowSeconds?: number;
  /** What an exhausted REST call gets: GitHub answers 403, and 429 on some paths. */
  status?: 403 | 429;
}

interface Window {
  limit: number;
  used: number;
  resetMs: number;
}

/** Fixed windows per resource, like GitHub's: the whole allowance comes back at `reset`. */
export class RateLimits {
  private readonly windows = new Map<Resource, Window>();
  readonly status: 403 | 429;

  constructor(
    private readonly options: RateLimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.status = options.status ?? 403;
  }

  private window(resource: Resource): Window {
    const t = this.now();
    let w = this.windows.get(resource);
    if (!w || t >= w.resetMs) {
      const limit = resource === 'search' ? 30 : (this.options[resource] ?? 5_000);
      // Reset is reported in whole epoch seconds: round up so a client never retries early.
      const resetMs = Math.ceil((t + (this.options.windowSeconds ?? 3_600) * 1000) / 1000) * 1000;
      this.windows.set(resource, (w = { limit, used: 0, resetMs }));
    }
    return w;
  }

  state(resource: Resource) {
    const w = this.window(resource);
    return {
      limit: w.limit,
      used: w.used,
      remaining: Math.max(0, w.limit - w.used),
      reset: w.resetMs / 1000,
      resetAt: new Date(w.resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  }

  exhausted(resource: Resource): boolean {
    return this.state(resource).remaining <= 0;
  }

  charge(resource: Resource, points: number): void {
    this.window(resource).used += points;
  }

  headers(resource: Resource): Record<string, string> {
    const s = this.state(resource);
    return {
      'x-ratelimit-limit': String(s.limit),
      'x-ratelimit-remaining': String(s.remaining),
      'x-ratelimit-used': String(s.used),
      'x-ratelimit-reset': String(s.reset),
      'x-ratelimit-resource': resource,
    };
  }
}
