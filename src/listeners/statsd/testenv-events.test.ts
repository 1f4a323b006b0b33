import { describe, expect, it } from 'vitest';
import { span } from '../../domain/kinds/experience.js';
import { parsePacket } from './parse.js';
import { testenvSection } from './testenv-config.js';
import { testenvObserver, type ProvisionSpan, type TestenvObserver } from './testenv-events.js';

const cfg = (over: Record<string, unknown> = {}) => testenvSection.parse({ statsd: over }).statsd;
const T = Date.UTC(2026, 10, 3, 14, 0, 0) / 1000; // unix seconds of a provisioning's end
const TAGS = 'repo:demo/payments-api,branch:ana/pr-7,sha:abc1234,team:payments';

function feed(o: TestenvObserver, packet: string, receivedAt = T * 1000): void {
  for (const p of parsePacket(packet)) if (p.kind === 'metric') o.observe(p.sample, receivedAt);
}
const ms = (s: string) => Date.parse(s);
const roots = (spans: ProvisionSpan[]) => spans.filter((s) => s.name === 'testenv.provision');

/** The lines the seed's hot-shots instrumentation sends for one provisioning, DogStatsD-dated. */
function seedLines(o: {
  end: number;
  tags?: string;
  checks: number;
  k8s: number;
  wait: number;
  ci?: boolean;
}) {
  const tags = o.tags ?? TAGS;
  const total = o.checks + o.k8s + o.wait;
  return [
    `testenv.provision.started:1|c|#${tags},ci_tests_complete:${o.ci ?? true}|T${o.end - Math.round((o.k8s + o.wait) / 1000)}`,
    `testenv.checks.duration:${o.checks}|ms|#${tags}|T${o.end - Math.round((o.k8s + o.wait) / 1000)}`,
    `testenv.provision.kubernetes_duration:${o.k8s}|ms|#${tags}|T${o.end - Math.round(o.wait / 1000)}`,
    `testenv.provision.wait_ready_duration:${o.wait}|ms|#${tags}|T${o.end}`,
    `testenv.provision.total_duration:${total}|ms|#${tags}|T${o.end}`,
    `testenv.provision.success:1|c|#${tags}|T${o.end}`,
  ].join('\n');
}

describe('testenv.statsd mapping: StatsD samples become provisioning spans', () => {
  it('turns the seed’s metrics into a root and its phases in model order, ending at the |T time', () => {
    const o = testenvObserver(cfg());
    feed(o, seedLines({ end: T, checks: 600_000, k8s: 240_500, wait: 179_500, ci: false }));
    const spans = o.drain(T * 1000 + 60_000);
    expect(spans).toHaveLength(4);
    const [root] = roots(spans);
    expect(root).toMatchObject({
      parent_id: null,
      key: 'ana/pr-7',
      repo: 'demo/payments-api',
      team: 'payments',
      status: 'ok',
      failure_category: null,
      attributes: { sha: 'abc1234', ci_tests_complete: false },
    });
    expect(ms(root!.ended_at)).toBe(T * 1000);
    expect(ms(root!.ended_at) - ms(root!.started_at)).toBe(1_020_000);
    const phases = spans.filter((s) => s.parent_id === root!.span_id);
    expect(phases.map((p) => [p.name, ms(p.ended_at) - ms(p.started_at)])).toEqual([
      ['testenv.checks', 600_000],
      ['testenv.kubernetes', 240_500],
      ['testenv.wait_ready', 179_500],
    ]);
    expect(ms(phases[0]!.started_at)).toBe(ms(root!.started_at));
    expect(ms(phases[1]!.started_at)).toBe(ms(phases[0]!.ended_at));
    expect(ms(phases[2]!.ended_at)).toBe(ms(root!.ended_at));
    // What it emits is what ingest accepts as spans.
    for (const s of spans) expect(span.safeParse(s).success, s.span_id).toBe(true);
    expect(o.stats()).toMatchObject({ provisions: 1, samples: 6, unfinished: 0 });
    expect(o.pending()).toBe(0);
  });

  it('gives the same span ids to a replay (idempotent ingest)', () => {
    const ids = () => {
      const o = testenvObserver(cfg());
      feed(o, seedLines({ end: T, checks: 1000, k8s: 2000, wait: 3000 }));
      return o.drain(T * 1000 + 60_000).map((s) => s.span_id);
    };
    expect(ids()).toEqual(ids());
    expect(new Set(ids()).size).toBe(4);
  });

  it('groups tags in any order, and matches names case-insensitively as the aggregator stores them', () => {
    const o = testenvObserver(cfg());
    feed(
      o,
      [
        `Testenv.Checks.Duration:1000|ms|#team:payments,sha:abc1234,branch:ana/pr-7,repo:demo/payments-api|T${T}`,
        `testenv.provision.TOTAL_DURATION:3000|ms|#branch:ana/pr-7,repo:demo/payments-api,team:payments,sha:abc1234|T${T}`,
        `testenv.provision.failed:1|c|#failure_type:k8s_error,sha:abc1234,team:payments,repo:demo/payments-api,branch:ana/pr-7|T${T}`,
      ].join('\n'),
    );
    const spans = o.drain(T * 1000 + 60_000);
    const [root] = roots(spans);
    expect(roots(spans)).toHaveLength(1);
    expect(root).toMatchObject({ status: 'error', failure_category: 'k8s_error' });
    expect(ms(root!.ended_at) - ms(root!.started_at)).toBe(3000);
    // The failure stops at the last phase reached: that phase carries the error too.
    expect(spans.find((s) => s.name === 'testenv.checks')).toMatchObject({
      status: 'error',
      failure_category: 'k8s_error',
    });
  });

  it('makes a root of a failure with no total_duration: status error, zero duration', () => {
    const o = testenvObserver(cfg());
    feed(o, `testenv.provision.failed:1|c|#${TAGS},failure_type:no_pr_found|T${T}`);
    const spans = o.drain(T * 1000 + 60_000);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      name: 'testenv.provision',
      status: 'error',
      failure_category: 'no_pr_found',
      started_at: new Date(T * 1000).toISOString(),
      ended_at: new Date(T * 1000).toISOString(),
    });
    // A failed counter without its category tag is still a failure, of unknown cause.
    feed(o, `testenv.provision.failed:1|c|#${TAGS}|T${T + 600}`);
    expect(o.drain(T * 1000 + 3_600_000)[0]).toMatchObject({ status: 'error', failure_category: 'unknown' });
  });

  it('keeps two provisionings of the same branch in one interval apart', () => {
    const o = testenvObserver(cfg());
    // Two bursts 4 s apart, both inside one 10 s flush interval; the second is a re-provision of the same sha.
    feed(o, seedLines({ end: T, checks: 1000, k8s: 2000, wait: 3000 }));
    feed(o, seedLines({ end: T + 4, checks: 1500, k8s: 2500, wait: 3500 }), T * 1000 + 4000);
    const rs = roots(o.drain(T * 1000 + 60_000));
    expect(rs.map((r) => ms(r.ended_at) - ms(r.started_at))).toEqual([6000, 7500]);
    expect(new Set(rs.map((r) => r.span_id)).size).toBe(2);
  });

  it('carries a provisioning whose samples straddle a flush to the next flush, whole', () => {
    const o = testenvObserver(cfg({ settle_seconds: 5 }));
    const at = T * 1000;
    feed(o, `testenv.provision.total_duration:9000|ms|#${TAGS}`, at);
    // The listener flushes 100 ms later: too soon, the outcome may still be on its way.
    expect(o.drain(at + 100)).toEqual([]);
    expect(o.pending()).toBe(1);
    feed(o, `testenv.provision.failed:1|c|#${TAGS},failure_type:timeout_waiting_builds`, at + 300);
    expect(o.drain(at + 2000)).toEqual([]);
    const spans = o.drain(at + 10_300);
    expect(spans).toHaveLength(1);
    // Without |T the receipt time is the sample time: the total's arrival ends the root.
    expect(spans[0]).toMatchObject({
      status: 'error',
      failure_category: 'timeout_waiting_builds',
      ended_at: new Date(at).toISOString(),
      started_at: new Date(at - 9000).toISOString(),
    });
  });

  it('turns the down counter into a deprovision span keyed by branch', () => {
    const o = testenvObserver(cfg());
    feed(o, `testenv.provision.down:1|c|#repo:demo/payments-api,branch:ana/pr-7,team:payments|T${T}`);
    const [d] = o.drain(T * 1000);
    expect(d).toMatchObject({
      name: 'testenv.deprovision',
      key: 'ana/pr-7',
      repo: 'demo/payments-api',
      started_at: new Date(T * 1000).toISOString(),
      ended_at: new Date(T * 1000).toISOString(),
    });
    expect(o.stats().deprovisions).toBe(1);
  });

  it('gives up a provisioning that never finishes, and ignores unmapped metrics and wrong types', () => {
    const o = testenvObserver(cfg({ group_gap_minutes: 30 }));
    feed(
      o,
      [
        `testenv.checks.duration:1000|ms|#${TAGS}`,
        `testenv.operator.reconcile_duration:50|ms|#${TAGS}`,
        `testenv.provision.total_duration:5|g|#${TAGS}`,
        `testenv.provision.success:0|c|#${TAGS}`,
      ].join('\n'),
    );
    expect(o.stats().samples).toBe(1);
    expect(o.drain(T * 1000 + 29 * 60_000)).toEqual([]);
    expect(o.drain(T * 1000 + 31 * 60_000)).toEqual([]);
    expect(o.stats()).toMatchObject({ unfinished: 1, provisions: 0 });
    expect(o.pending()).toBe(0);
  });

  it('follows a changed mapping (names, tags) and does nothing when disabled', () => {
    const o = testenvObserver(
      cfg({
        total_duration: 'kraken.env.total',
        success: 'kraken.env.ok',
        branch_tags: ['git_ref'],
        repo_tags: ['service'],
      }),
    );
    feed(
      o,
      `kraken.env.total:7000|ms|#service:kraken,git_ref:main|T${T}\nkraken.env.ok:1|c|#service:kraken,git_ref:main|T${T}`,
    );
    expect(roots(o.drain(T * 1000 + 60_000))[0]).toMatchObject({ key: 'main', repo: 'kraken', status: 'ok' });
    const off = testenvObserver(cfg({ enabled: false }));
    feed(off, seedLines({ end: T, checks: 1, k8s: 1, wait: 1 }));
    expect(off.drain(T * 1000 + 60_000)).toEqual([]);
  });

  it('bounds the provisionings it keeps open', () => {
    const o = testenvObserver(cfg(), { maxOpen: 3 });
    for (let i = 0; i < 5; i++) feed(o, `testenv.checks.duration:1000|ms|#branch:b${i}`, T * 1000 + i);
    expect(o.pending()).toBe(3);
    expect(o.stats().overflow).toBe(2);
  });
});
