import { FOLDER, PIPELINE, type JkNode } from './server.js';

/** A synthetic pipeline job: build n starts at hour n, stages build, test, deploy of a minute each. */
export function pipelineBuild(n: number, o: { building?: boolean; result?: string } = {}) {
  const t0 = Date.UTC(2026, 0, 5, n);
  return {
    build: {
      _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun',
      number: n,
      result: o.building ? null : (o.result ?? 'SUCCESS'),
      building: o.building ?? false,
      timestamp: t0,
      duration: o.building ? 0 : 200_000,
      actions: [
        {
          _class: 'hudson.model.CauseAction',
          causes: [{ _class: 'hudson.triggers.TimerTrigger$TimerTriggerCause' }],
        },
        { _class: 'hudson.model.ParametersAction', parameters: [{ name: 'ENV', value: 'prod' }] },
        {
          _class: 'hudson.plugins.git.util.BuildData',
          lastBuiltRevision: {
            SHA1: String(n).padStart(40, 'a'),
            branch: [{ name: 'refs/remotes/origin/main' }],
          },
        },
        {},
      ],
    },
    stages: ['build', 'test', 'deploy'].map((name, i) => ({
      id: String(10 + i),
      name,
      status: o.building && i === 2 ? 'IN_PROGRESS' : 'SUCCESS',
      startTimeMillis: t0 + 1000 + i * 60_000,
      durationMillis: 60_000,
    })),
  };
}

export function syntheticTree(builds: ReturnType<typeof pipelineBuild>[]): JkNode {
  return {
    name: '',
    _class: 'hudson.model.Hudson',
    jobs: [
      {
        name: 'platform',
        _class: FOLDER,
        jobs: [
          {
            name: 'deploy-api',
            _class: PIPELINE,
            builds: builds.map((b) => b.build),
            stages: Object.fromEntries(builds.map((b) => [b.build.number, b.stages])),
          },
        ],
      },
    ],
  };
}
