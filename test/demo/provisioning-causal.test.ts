import { describe, expect, it } from 'vitest';
import type { AnyRecordInput, RecordKind } from '../../src/domain/records.js';
import { createDemo } from '../../src/demo/generate.js';
import { percentileCont } from '../../src/demo/realised.js';

/**
 * The demo's provisioning is causal with its CI and carries the planted optimisation: checked on
 * the records themselves (spans, pipeline runs and jobs), and the published truth recomputed
 * from them.
 */
const OPTIONS = { developers: 16, days: 30, seed: 7, end: new Date('2025-03-01T00:00:00Z') };
const run = createDemo(OPTIONS, { detail: true });
const records: AnyRecordInput[] = [];
for (const b of run.batches()) records.push(...b);
const real = run.realised();
const opt = real.provisioning.optimisation;
const at = Date.parse(opt.at);

type Of<K extends RecordKind> = Extract<AnyRecordInput, { kind: K }>;
const ofKind = <K extends RecordKind>(kind: K) => records.filter((r): r is Of<K> => r.kind === kind);
const ms = (v: unknown) => new Date(v as string).getTime();
const spans = ofKind('span');
const roots = spans.filter((s) => s.name === 'testenv.provision');
const phase = (root: Of<'span'>, name: string) =>
  spans.find((s) => s.parent_id === root.span_id && s.name === name);
const jobs = ofKind('pipeline_job');
const runs = ofKind('pipeline_run');
const attrs = (s: Of<'span'>) => (s.attributes ?? {}) as Record<string, unknown>;
/** The head's CI as the warehouse has it: attempt 1 of the run for the root's repo and sha. */
function ciOf(root: Of<'span'>) {
  const r = runs.find((x) => x.repo === root.repo && x.sha === attrs(root).sha && x.attempt === 1)!;
  const js = jobs.filter((j) => j.repo === r.repo && j.run_id === r.run_id && j.completed_at);
  const end = (xs: typeof js) => Math.max(...xs.map((j) => ms(j.completed_at)));
  return {
    runDone: ms(r.completed_at),
    buildDone: end(js.filter((j) => j.attempt === 1 && j.name === 'build')),
    testsDone: end(js.filter((j) => j.attempt === 1 && j.stage === 'test')),
    builds: js
      .filter((j) => j.name === 'build' && j.conclusion === 'success')
      .map((j) => ({
        end: ms(j.completed_at),
        testsEnd: end(js.filter((t) => t.attempt === j.attempt && t.stage === 'test')),
      })),
  };
}
const median = (xs: number[]) => percentileCont(xs, 0.5)!;

describe('demo provisioning: causal with CI, with a planted optimisation and a planted null', () => {
  it('waits for the whole CI run before the optimisation and for the image build after it, polling every 30 s', () => {
    let before = 0;
    let after = 0;
    for (const root of roots) {
      const k8s = phase(root, 'testenv.kubernetes');
      if (!k8s) continue;
      const ci = ciOf(root);
      const start = ms(root.started_at);
      const go = start < at ? ci.runDone : ci.buildDone;
      const k8sStart = ms(k8s.started_at);
      expect(k8sStart, root.span_id).toBeGreaterThanOrEqual(go);
      expect(k8sStart - Math.max(go, start), root.span_id).toBeLessThanOrEqual(30_000);
      expect(attrs(root).ci_tests_complete, root.span_id).toBe(ci.testsDone <= k8sStart);
      if (start < at) before++;
      else after++;
    }
    expect(before).toBeGreaterThan(30);
    expect(after).toBeGreaterThan(30);
    // Before the change nothing starts before its tests are done; after it most do.
    const early = (lo: number, hi: number) =>
      roots.filter(
        (r) => ms(r.started_at) >= lo && ms(r.started_at) < hi && attrs(r).ci_tests_complete === false,
      );
    expect(early(0, at)).toEqual([]);
    expect(opt.earlyProvisioning.after.early).toBe(early(at, Infinity).length);
    expect(opt.earlyProvisioning.after.share!).toBeGreaterThan(0.5);
  });

  it('publishes before/after truth that the records recompute exactly', () => {
    const from = Date.parse(run.truth.window.from);
    const side = (x: number) => (x < at ? 'before' : 'after');
    const lead = { before: [] as number[], after: [] as number[] };
    const delay = { before: [] as number[], after: [] as number[] };
    const parallel = { before: [] as number[], after: [] as number[] };
    for (const root of roots) {
      const start = ms(root.started_at);
      expect(start).toBeGreaterThanOrEqual(from);
      if (root.status === 'ok') lead[side(start)].push((ms(root.ended_at) - start) / 60_000);
      const k8s = phase(root, 'testenv.kubernetes');
      if (k8s) {
        const ci = ciOf(root);
        const image = ci.builds.filter((b) => b.end <= ms(k8s.started_at)).sort((a, b) => b.end - a.end)[0]!;
        delay[side(start)].push((ms(k8s.started_at) - image.end) / 60_000);
        if (root.status === 'ok')
          parallel[side(start)].push(Math.max(0, image.testsEnd - ms(root.ended_at)) / 60_000);
      }
    }
    expect(opt.leadTimeMinutes.before.p50).toBeCloseTo(median(lead.before), 9);
    expect(opt.leadTimeMinutes.after.p50).toBeCloseTo(median(lead.after), 9);
    expect(opt.ciToProvisioningMinutes.before.p50).toBeCloseTo(median(delay.before), 9);
    expect(opt.parallelDevelopmentMinutes.after.p50).toBeCloseTo(median(parallel.after), 9);
    expect(opt.parallelDevelopmentMinutes.before.count).toBe(parallel.before.length);
    expect(opt.ciToProvisioningMinutes.after.p50).toBeCloseTo(median(delay.after), 9);
    const phaseMedian = (name: string, s: 'before' | 'after') =>
      median(
        spans
          .filter((x) => x.name === name && side(ms(x.started_at)) === s)
          .map((x) => (ms(x.ended_at) - ms(x.started_at)) / 60_000),
      );
    expect(opt.checksMinutes.before.p50).toBeCloseTo(phaseMedian('testenv.checks', 'before'), 9);
    expect(opt.kubernetesMinutes.after.p50).toBeCloseTo(phaseMedian('testenv.kubernetes', 'after'), 9);
    // Re-provisions: a down then an up of the same branch within 2 h (repo too: branch names repeat across repos).
    const downs = spans.filter((s) => s.name === 'testenv.deprovision');
    const pairs = downs.filter((d) =>
      roots.some(
        (r) =>
          r.repo === d.repo &&
          r.key === d.key &&
          ms(r.started_at) > ms(d.started_at) &&
          ms(r.started_at) - ms(d.started_at) <= 2 * 3_600_000,
      ),
    );
    expect(pairs.length).toBe(real.provisioning.reprovisions);
    expect(real.provisioning.reprovisions).toBeGreaterThan(0);
  });

  it('moves lead time and the checks phase, and leaves the kubernetes phase where it was', () => {
    const { leadTimeMinutes: lead, checksMinutes: checks, kubernetesMinutes: k8s } = opt;
    expect(lead.after.p50! / lead.before.p50!).toBeLessThan(0.6);
    expect(opt.leadTimeSavedMinutes).toBeCloseTo(lead.before.p50! - lead.after.p50!, 9);
    expect(checks.after.p50!).toBeLessThan(checks.before.p50! / 3);
    // The planted null: drawn from one lognormal (median 4 min) on both sides.
    expect(k8s.after.p50! / k8s.before.p50!).toBeGreaterThan(0.85);
    expect(k8s.after.p50! / k8s.before.p50!).toBeLessThan(1.15);
    expect(opt.ciToProvisioningMinutes.after.p50!).toBeLessThan(opt.ciToProvisioningMinutes.before.p50! / 2);
    expect(opt.provisionsPerWeek.whole).toBeCloseTo((roots.length / OPTIONS.days) * 7, 9);
  });
});
