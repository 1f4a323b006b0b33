import { describe, expect, it } from 'vitest';
import { recordKinds, type AnyRecordInput, type RecordKind } from '../../src/domain/records.js';
import { createDemo, countDemoRecords } from '../../src/demo/generate.js';
import { validateRecords } from '../../src/ingest/ingest.js';

const END = new Date('2025-03-01T00:00:00Z');
const SMALL = { developers: 16, days: 30, seed: 7, end: END };

function generate(options = SMALL) {
  const run = createDemo(options, { detail: true });
  const records: AnyRecordInput[] = [];
  for (const batch of run.batches(2_000)) {
    expect(batch.length).toBeLessThanOrEqual(2_000);
    records.push(...batch);
  }
  return { run, records, realised: run.realised() };
}

const ofKind = <K extends RecordKind>(records: AnyRecordInput[], kind: K) =>
  records.filter((r): r is Extract<AnyRecordInput, { kind: K }> => r.kind === kind);
const ms = (v: unknown) => (v instanceof Date ? v.getTime() : NaN);

describe('demo generator', () => {
  const { run, records, realised } = generate();

  it('is deterministic for the same options and differs for another seed', () => {
    const again = generate().records;
    expect(JSON.stringify(again)).toBe(JSON.stringify(records));
    const other = generate({ ...SMALL, seed: 8 }).records;
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(records));
  });

  it('produces only records that pass ingest validation, with unique natural keys', () => {
    const { problems } = validateRecords(records);
    expect(problems).toEqual([]);
    for (const [kind, k] of Object.entries(recordKinds)) {
      const keys = records
        .filter((r) => r.kind === kind)
        .map((r) => JSON.stringify(k.key.map((c) => (r as Record<string, unknown>)[c] ?? null)));
      expect(new Set(keys).size, kind).toBe(keys.length);
    }
    expect(realised.total).toBe(records.length);
  });

  it('builds each repo main branch as a well-formed DAG', () => {
    const commits = ofKind(records, 'commit');
    const byRepo = new Map<string, Set<string>>();
    for (const c of commits) byRepo.set(c.repo, (byRepo.get(c.repo) ?? new Set()).add(c.sha));
    for (const c of commits) for (const p of c.parents ?? []) expect(byRepo.get(c.repo)!.has(p)).toBe(true);
    const roots = commits.filter((c) => !c.parents?.length);
    expect(roots.length).toBe(run.truth.teams.flatMap((t) => t.repos).length);
    const deployments = ofKind(records, 'deployment');
    for (const d of deployments) expect(byRepo.get(d.repo!)!.has(d.sha)).toBe(true);
  });

  it('gives every failed deployment exactly one remedy and nothing else looks failed', () => {
    const failed = new Map(realised.failedDeployments.map((f) => [f.id, f]));
    expect(failed.size).toBeGreaterThan(0);
    const deployments = new Map(ofKind(records, 'deployment').map((d) => [d.id, d]));
    const commits = ofKind(records, 'commit');
    const incidents = ofKind(records, 'incident');
    for (const i of incidents) expect(failed.get(i.caused_by_deployment!)?.remedy).toBe('incident');
    // A failed status is a 'status' failure, or an attempt retried with the same sha minutes later.
    const retried = new Map(realised.retriedAttempts.map((a) => [a.id, a]));
    expect(retried.size).toBeGreaterThan(0);
    for (const d of deployments.values())
      if (d.status === 'failure') {
        const attempt = retried.get(d.id);
        if (!attempt) expect(failed.get(d.id)?.remedy).toBe('status');
        else {
          const retry = deployments.get(attempt.retryId)!;
          expect([retry.sha, retry.service, retry.environment, retry.status]).toEqual([
            d.sha,
            d.service,
            d.environment,
            'success',
          ]);
          const gap = new Date(retry.started_at).getTime() - new Date(d.finished_at!).getTime();
          expect(gap).toBeGreaterThanOrEqual(5 * 60_000);
          expect(gap).toBeLessThanOrEqual(30 * 60_000);
        }
      }
    for (const c of commits.filter((c) => c.reverts_sha)) {
      expect(c.subject).toMatch(/^Revert "/);
      const f = [...failed.values()].find((x) => x.remedy === 'revert' && x.remedyRef === c.reverts_sha);
      expect(f).toBeDefined();
      expect(realised.commitFirstDeployment![`${c.repo} ${c.reverts_sha}`]).toBe(f!.id);
    }
    // Hotfixes are told by their subjects (git.hotfix_patterns' default), as enrichment reads them.
    const hotfixes = commits.filter((c) => /^hotfix\b/i.test(c.subject ?? ''));
    expect(hotfixes.length).toBeGreaterThan(0);
    for (const h of hotfixes)
      expect([...failed.values()].some((f) => f.remedy === 'hotfix' && f.remedyRef === h.sha)).toBe(true);
    const refs = {
      incident: incidents.length,
      revert: commits.filter((c) => c.reverts_sha).length,
      hotfix: hotfixes.length,
    };
    const byRemedy = (r: string) => [...failed.values()].filter((f) => f.remedy === r).length;
    expect(refs).toEqual({
      incident: byRemedy('incident'),
      revert: byRemedy('revert'),
      hotfix: byRemedy('hotfix'),
    });
    for (const f of failed.values()) expect(deployments.get(f.id)?.environment).toBe('production');
  });

  it('has flaky tests that fail and pass on one sha, and a known critical path', () => {
    const results = ofKind(records, 'test_result');
    expect(realised.ci.flakyTestIdsObserved.length).toBeGreaterThan(0);
    for (const id of realised.ci.flakyTestIdsObserved) {
      expect(run.truth.ci.flakyTestIds).toContain(id);
      const mine = results.filter((r) => r.test_id === id);
      const shas = new Set(mine.filter((r) => r.status === 'failed').map((r) => r.sha));
      expect(mine.some((r) => r.status === 'passed' && shas.has(r.sha))).toBe(true);
    }
    const failedNonFlaky = results.filter(
      (r) => r.status === 'failed' && !run.truth.ci.flakyTestIds.includes(r.test_id),
    );
    for (const f of failedNonFlaky)
      expect(results.some((r) => r.test_id === f.test_id && r.sha === f.sha && r.status === 'passed')).toBe(
        false,
      );
    const jobs = ofKind(records, 'pipeline_job');
    const runs = ofKind(records, 'pipeline_run').filter((r) => r.conclusion === 'success');
    expect(runs.length).toBeGreaterThan(100);
    const byRun = new Map<string, typeof jobs>();
    for (const j of jobs)
      byRun.set(`${j.run_id}/${j.attempt}`, [...(byRun.get(`${j.run_id}/${j.attempt}`) ?? []), j]);
    for (const r of runs.slice(0, 300)) {
      const js = new Map(byRun.get(`${r.run_id}/${r.attempt}`)!.map((j) => [j.name, j]));
      const path = run.truth.ci.criticalPath.map((n) => js.get(n)!);
      const sum = path.reduce((s, j) => s + ms(j.completed_at) - ms(j.created_at), 0);
      expect(sum).toBe(ms(r.completed_at) - ms(r.created_at));
      for (const [a, b] of [
        [0, 1],
        [1, 2],
      ] as const)
        expect(ms(path[b]!.created_at)).toBe(ms(path[a]!.completed_at));
    }
  });

  it('publishes parameters without generating, and realised values near them', () => {
    const t = run.truth;
    expect(t.teams.length).toBe(2);
    expect(t.teams.flatMap((x) => x.members).length).toBe(16);
    const prs = ofKind(records, 'pull_request');
    const botPeople = new Set(
      ofKind(records, 'person')
        .filter((p) => p.is_bot)
        .map((p) => p.login),
    );
    expect(prs.some((p) => botPeople.has(p.author))).toBe(true);
    for (const b of botPeople) expect(t.bots).toContain(b);
    const staging = ofKind(records, 'deployment').filter((d) => d.environment === 'staging');
    expect(staging.length).toBeGreaterThan(0);
    const spans = ofKind(records, 'span');
    expect(
      new Set(spans.filter((s) => s.failure_category).map((s) => s.failure_category)).size,
    ).toBeGreaterThan(1);
    expect(spans.filter((s) => s.parent_id).every((s) => spans.some((p) => p.span_id === s.parent_id))).toBe(
      true,
    );
  });

  it('scales with developers × days', () => {
    const a = countDemoRecords({ developers: 8, days: 28, end: END }).total;
    const b = countDemoRecords({ developers: 16, days: 56, end: END }).total;
    expect(b / a).toBeGreaterThan(3.2);
    expect(b / a).toBeLessThan(4.8);
  });
});
