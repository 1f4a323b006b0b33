import { describe, expect, it } from 'vitest';
import { criticalPathOf, type JobTiming } from './job-graph.js';

const S = 1000;
const job = (
  name: string,
  needs: string[],
  created: number,
  started: number,
  completed: number,
): JobTiming => ({
  name,
  needs,
  created: created * S,
  started: started * S,
  completed: completed * S,
});

describe('critical path of a job graph', () => {
  // lint 0-60, unit 0-200, build 0-120 → e2e (needs build) 125-400, integration (needs build) 130-250
  // → package (needs unit, integration, e2e) 410-470. The run ends with package; e2e is what it waited for.
  const jobs = [
    job('lint', [], 0, 5, 60),
    job('unit', [], 0, 5, 200),
    job('build', [], 0, 10, 120),
    job('e2e', ['build'], 120, 125, 400),
    job('integration', ['build'], 120, 130, 250),
    job('package', ['unit', 'integration', 'e2e'], 400, 410, 470),
  ];

  it('follows declared needs back from the job that finished last', () => {
    const cp = criticalPathOf(jobs, 0);
    expect(cp.path.map((p) => p.name)).toEqual(['build', 'e2e', 'package']);
    expect(cp.path.map((p) => p.exclusiveSeconds)).toEqual([120, 280, 70]);
    expect(cp.pathSeconds).toBe(470);
    expect(cp.inferred).toBe(false);
    const work = 55 + 195 + 110 + 275 + 120 + 60;
    expect(cp.workSeconds).toBe(work);
    expect(cp.serialShare).toBeCloseTo((110 + 275 + 60) / work, 9);
  });

  it('infers edges from timing when no job declares needs', () => {
    const cp = criticalPathOf(
      jobs.map((j) => ({ ...j, needs: [] })),
      0,
    );
    expect(cp.inferred).toBe(true);
    expect(cp.path.map((p) => p.name)).toEqual(['build', 'e2e', 'package']);
  });

  it('matches matrix jobs to the key they need', () => {
    const cp = criticalPathOf(
      [
        job('test (node 20)', [], 0, 1, 50),
        job('test (node 22)', [], 0, 1, 90),
        job('deploy', ['test'], 90, 95, 100),
      ],
      0,
    );
    expect(cp.path.map((p) => p.name)).toEqual(['test (node 22)', 'deploy']);
  });

  it('handles a run with no jobs', () => {
    expect(criticalPathOf([], 0)).toMatchObject({ path: [], pathSeconds: 0, serialShare: 0 });
  });
});
