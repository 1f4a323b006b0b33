import { Rng } from '../../src/demo/random.js';

export interface Faults {
  /** 1-based request ordinals that get `502 Bad Gateway`. */
  badGatewayOn?: number[];
  /** Share of requests (0..1, drawn from `seed`) that get a 502. */
  badGatewayRate?: number;
  /** Ordinals that hit GitHub's secondary rate limit (403 with retry-after). */
  secondaryLimitOn?: number[];
  secondaryLimitRate?: number;
  /** The `retry-after` of secondary-limit answers, in seconds (GitHub says 60; tests want 1). */
  retryAfterSeconds?: number;
  seed?: number;
  /** Repositories ("owner/name") whose every route fails with this status. */
  failingRepos?: Record<string, 500 | 404>;
  /** From this ordinal on, the socket is dropped without an answer. */
  hangUpAfter?: number;
  /** Injected 502 and secondary limits only hit route kinds matching this, e.g. /actions/. */
  only?: RegExp;
}

export type Injected = 'badGateway' | 'secondaryLimit' | null;

/** Decides, per request, which fault (if any) it gets; deterministic for the same seed and order. */
export class FaultPlan {
  private rng: Rng;

  constructor(readonly faults: Faults = {}) {
    this.rng = new Rng(faults.seed ?? 1);
  }

  inject(ordinal: number, kind: string): Injected {
    const f = this.faults;
    if (f.only && !f.only.test(kind)) return null;
    // Draw both numbers every time so one fault's rate does not shift the other's sequence.
    const a = this.rng.float();
    const b = this.rng.float();
    if (f.badGatewayOn?.includes(ordinal) || a < (f.badGatewayRate ?? 0)) return 'badGateway';
    if (f.secondaryLimitOn?.includes(ordinal) || b < (f.secondaryLimitRate ?? 0)) return 'secondaryLimit';
    return null;
  }

  failingRepo(owner: string | undefined, repo: string | undefined): 500 | 404 | null {
    if (!owner || !repo || !this.faults.failingRepos) return null;
    const key = `${owner}/${repo}`.toLowerCase();
    for (const [name, status] of Object.entries(this.faults.failingRepos))
      if (name.toLowerCase() === key) return status;
    return null;
  }

  hangUp(ordinal: number): boolean {
    return this.faults.hangUpAfter !== undefined && ordinal >= this.faults.hangUpAfter;
  }
}
