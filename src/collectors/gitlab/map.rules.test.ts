import { describe, expect, it } from 'vitest';
import type { JobNode, MrNode, NoteNode, PipelineNode } from './graphql.js';
import { mapDeployment, mapIncident, mapPipeline, reviewsOf } from './map.js';

const job = (o: Partial<JobNode> & { id: string; name: string }): JobNode => ({
  kind: 'BUILD',
  status: 'SUCCESS',
  retried: false,
  allowFailure: false,
  createdAt: null,
  queuedAt: null,
  startedAt: null,
  finishedAt: null,
  queuedDuration: null,
  stage: { name: 'test' },
  needs: { nodes: [] },
  runner: null,
  downstreamPipeline: null,
  ...o,
});

const pipeline: PipelineNode = {
  id: 'gid://gitlab/Ci::Pipeline/77',
  iid: '7',
  sha: 'a'.repeat(40),
  ref: 'main',
  source: 'push',
  status: 'SUCCESS',
  name: null,
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-01T11:00:00.000Z',
  startedAt: '2024-05-01T10:00:05.000Z',
  finishedAt: '2024-05-01T11:00:00.000Z',
  user: { username: 'dev' },
  mergeRequest: null,
  upstream: null,
  jobs: null,
};

describe('GitLab mapping rules', () => {
  it('a retry of only the failed job is attempt 2 of the same run, reusing the jobs it did not retry', () => {
    const { runs, jobs } = mapPipeline('g/api', pipeline, [
      job({
        id: 'gid://gitlab/Ci::Build/1',
        name: 'build',
        createdAt: '2024-05-01T10:00:00.000Z',
        startedAt: '2024-05-01T10:00:05.000Z',
        finishedAt: '2024-05-01T10:05:00.000Z',
        queuedDuration: 5,
      }),
      job({
        id: 'gid://gitlab/Ci::Build/2',
        name: 'test',
        status: 'FAILED',
        retried: true,
        createdAt: '2024-05-01T10:05:00.000Z',
        startedAt: '2024-05-01T10:05:10.000Z',
        finishedAt: '2024-05-01T10:10:00.000Z',
        queuedDuration: 10,
        needs: { nodes: [{ name: 'build' }] },
      }),
      job({
        id: 'gid://gitlab/Ci::Build/3',
        name: 'test',
        createdAt: '2024-05-01T10:50:00.000Z',
        startedAt: '2024-05-01T10:50:30.000Z',
        finishedAt: '2024-05-01T11:00:00.000Z',
        queuedDuration: 30,
        needs: { nodes: [{ name: 'build' }] },
      }),
    ]);
    expect(runs.map((r) => [r.run_id, r.attempt, r.created_at, r.completed_at, r.conclusion])).toEqual([
      ['77', 1, '2024-05-01T10:00:00.000Z', '2024-05-01T10:10:00.000Z', 'failure'],
      ['77', 2, '2024-05-01T10:50:00.000Z', '2024-05-01T11:00:00.000Z', 'success'],
    ]);
    expect(jobs.map((j) => [j.job_id, j.attempt, j.created_at, j.needs])).toEqual([
      ['1', 1, '2024-05-01T10:00:00.000Z', []],
      ['2', 1, '2024-05-01T10:05:00.000Z', ['build']],
      ['3', 2, '2024-05-01T10:50:00.000Z', ['build']],
    ]);
    // No `name:` in .gitlab-ci.yml: the workflow is "pipeline", never empty.
    expect(runs[0]!.workflow).toBe('pipeline');
  });

  it('a skipped or manual job never ran: no start, no end, no queue time', () => {
    const { jobs } = mapPipeline('g/api', pipeline, [
      job({
        id: '1',
        name: 'deploy',
        status: 'MANUAL',
        createdAt: '2024-05-01T10:00:00.000Z',
        startedAt: '2024-05-01T10:00:00.000Z',
        finishedAt: '2024-05-01T10:00:00.000Z',
      }),
      job({
        id: '2',
        name: 'lint',
        status: 'SKIPPED',
        createdAt: '2024-05-01T10:00:00.000Z',
        finishedAt: '2024-05-01T10:00:00.000Z',
      }),
    ]);
    expect(jobs.map((j) => [j.conclusion, j.started_at, j.completed_at])).toEqual([
      ['skipped', null, null],
      ['skipped', null, null],
    ]);
  });

  it('a review is one person’s batch of diff notes and decision at one instant; the author’s own notes are not reviews', () => {
    const mr = { author: { username: 'author', bot: false } } as MrNode;
    const n = (
      id: number,
      who: string,
      at: string,
      body: string,
      system: boolean,
      diff: boolean,
    ): NoteNode => ({
      id: `gid://gitlab/Note/${id}`,
      system,
      body,
      createdAt: at,
      author: { username: who, bot: false },
      position: diff ? { filePath: 'a.ts' } : null,
    });
    const reviews = reviewsOf(mr, [
      n(1, 'rev', '2024-05-01T10:00:00Z', 'nit', false, true),
      n(2, 'rev', '2024-05-01T10:00:00Z', 'nit 2', false, true),
      n(3, 'rev', '2024-05-01T10:00:00Z', 'approved this merge request', true, false),
      n(4, 'rev', '2024-05-01T12:00:00Z', 'unapproved this merge request', true, false),
      n(5, 'author', '2024-05-01T12:30:00Z', 'approved this merge request', true, false),
      n(6, 'other', '2024-05-01T13:00:00Z', 'a general comment', false, false),
    ]);
    expect(reviews.map((r) => [r.reviewer, r.state, r.comments])).toEqual([
      ['rev', 'approved', 2],
      ['rev', 'dismissed', 0],
    ]);
  });

  it('skipped deployments are not deployments; blocked ones are in progress', () => {
    const base = {
      id: 1,
      sha: 'b'.repeat(40),
      created_at: '2024-05-01T10:00:00Z',
      environment: { name: 'production' },
    };
    expect(mapDeployment('g/api', { ...base, status: 'skipped' })).toBeNull();
    expect(mapDeployment('g/api', { ...base, status: 'blocked' })?.status).toBe('in_progress');
    expect(
      mapDeployment('g/api', { ...base, status: 'failed', finished_at: '2024-05-01T10:05:00Z' }),
    ).toMatchObject({
      status: 'failure',
      finished_at: '2024-05-01T10:05:00Z',
      service: 'api',
    });
  });

  it('an incident issue’s severity comes from a scoped label, else its severity field', () => {
    const i = {
      iid: 3,
      title: 'down',
      state: 'closed',
      created_at: '2024-05-01T10:00:00Z',
      closed_at: '2024-05-01T11:00:00Z',
    };
    expect(mapIncident('g/api', { ...i, labels: ['severity::high'] }).severity).toBe('high');
    expect(mapIncident('g/api', { ...i, issue_type: 'incident', severity: 'CRITICAL' })).toMatchObject({
      severity: 'critical',
      source: 'gitlab',
      resolved_at: '2024-05-01T11:00:00Z',
    });
    expect(mapIncident('g/api', { ...i, issue_type: 'incident', severity: 'UNKNOWN' }).severity).toBeNull();
  });
});
