import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Synthetic provisioning with planted effects, every truth known before a record is drawn.
 * Eight weeks from Monday 2025-03-03 (UTC); the change is at Monday 2025-03-31 00:00, so the
 * default 28-day windows are exactly the two halves.
 *
 * - acme/api: 12 provisions a day. Lead time lognormal (sigma 0.35) with median 18 minutes
 *   before the change and 7 after (the effect: -11 minutes); failures 8% before, 20% after. Its
 *   Kubernetes phase is lognormal with median 4 minutes on both sides (the null).
 * - acme/seasonal: no change at all, but weekday seasonality: Monday-Wednesday provisions take
 *   a median 20 minutes, Thursday-Sunday 10. Before the change most provisions fall on
 *   Monday-Wednesday (8 a day against 2), after it on Thursday-Sunday: a naive before/after
 *   comparison sees a large, "significant" drop that no weekday shows.
 * - Confounders: an org-wide annotation (2025-03-20, before) and a deployment of acme/api
 *   (2025-04-10, after) inside the windows.
 */
export const START = new Date('2025-03-03T00:00:00Z');
export const CHANGE_AT = new Date('2025-03-31T00:00:00Z');
export const END = new Date('2025-04-28T00:00:00Z');
export const API = 'acme/api';
export const SEASONAL = 'acme/seasonal';
export const TRUTH = {
  api: { beforeMedian: 18, afterMedian: 7, failureBefore: 0.08, failureAfter: 0.2, perDay: 12 },
  kubernetesMedian: 4,
  seasonal: { slowMedian: 20, fastMedian: 10 },
};
export const ANNOTATION_ID = 'ann-provision-early';
export const OTHER_ANNOTATION_ID = 'ann-node-pool';
export const DEPLOYMENT_ID = 'dep-api-0410';

const DAY = 86_400_000;
const MIN = 60_000;

class Rand {
  private readonly g;
  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
  }
  float() {
    return uniformFloat64(this.g);
  }
  /** Lognormal with this median (Box-Muller). */
  lognormal(median: number, sigma: number) {
    const z = Math.sqrt(-2 * Math.log(1 - this.float())) * Math.cos(2 * Math.PI * this.float());
    return median * Math.exp(sigma * z);
  }
}

function provision(
  out: Record<string, unknown>[],
  id: string,
  repo: string,
  start: Date,
  minutes: number,
  ok: boolean,
  k8sMinutes: number,
) {
  const end = new Date(start.getTime() + minutes * MIN);
  out.push({
    kind: 'span',
    span_id: id,
    name: 'testenv.provision',
    key: `branch-${id}`,
    repo,
    team: 'core',
    started_at: start,
    ended_at: end,
    status: ok ? 'ok' : 'error',
    failure_category: ok ? null : 'k8s_error',
  });
  const k8sStart = new Date(start.getTime() + MIN);
  out.push({
    kind: 'span',
    span_id: `${id}-k8s`,
    parent_id: id,
    name: 'testenv.kubernetes',
    key: `branch-${id}`,
    repo,
    team: 'core',
    started_at: k8sStart,
    ended_at: new Date(k8sStart.getTime() + k8sMinutes * MIN),
    status: 'ok',
  });
}

/** The records of the synthetic organisation (deterministic). */
export function impactFixture(): Record<string, unknown>[] {
  const r = new Rand(20250331);
  const out: Record<string, unknown>[] = [];
  for (let d = 0; d < 56; d++) {
    const day = new Date(START.getTime() + d * DAY);
    const after = day >= CHANGE_AT;
    for (let i = 0; i < TRUTH.api.perDay; i++) {
      const start = new Date(day.getTime() + Math.floor(r.float() * DAY));
      const median = after ? TRUTH.api.afterMedian : TRUTH.api.beforeMedian;
      const ok = r.float() >= (after ? TRUTH.api.failureAfter : TRUTH.api.failureBefore);
      provision(
        out,
        `api-${d}-${i}`,
        API,
        start,
        r.lognormal(median, 0.35),
        ok,
        r.lognormal(TRUTH.kubernetesMedian, 0.3),
      );
    }
    const isoDay = ((day.getUTCDay() + 6) % 7) + 1;
    const slowDay = isoDay <= 3;
    const busy = after ? !slowDay : slowDay;
    for (let i = 0; i < (busy ? 8 : 2); i++) {
      const start = new Date(day.getTime() + Math.floor(r.float() * DAY));
      const median = slowDay ? TRUTH.seasonal.slowMedian : TRUTH.seasonal.fastMedian;
      provision(out, `sea-${d}-${i}`, SEASONAL, start, r.lognormal(median, 0.25), true, r.lognormal(4, 0.3));
    }
  }
  out.push(
    {
      kind: 'annotation',
      id: ANNOTATION_ID,
      occurred_at: CHANGE_AT,
      title: 'Provision as soon as images are built',
      category: 'optimisation',
      metric: 'testenv.provision.duration_p50_minutes',
    },
    {
      kind: 'annotation',
      id: OTHER_ANNOTATION_ID,
      occurred_at: new Date('2025-03-20T10:00:00Z'),
      title: 'Kubernetes node pool upgraded',
      category: 'infrastructure',
    },
    {
      kind: 'deployment',
      id: DEPLOYMENT_ID,
      service: 'api',
      environment: 'production',
      repo: API,
      sha: 'abc1234',
      started_at: new Date('2025-04-10T12:00:00Z'),
      finished_at: new Date('2025-04-10T12:10:00Z'),
      status: 'success',
      source: 'manual',
    },
  );
  return out;
}
