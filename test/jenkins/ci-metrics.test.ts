import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { workspace } from '../incidents/helpers.js';
import { startJenkinsServer, type JenkinsServer } from './server.js';
import { pipelineBuild, syntheticTree } from './synthetic.js';

const USER = 'ci-reader';
const TOKEN = '11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7';
const WINDOW = ['--from', '2026-01-05', '--to', '2026-01-06'];

/** Jenkins builds are pipeline runs like GitHub Actions': the CI views and report count them. */
describe.each(ENGINES)('Jenkins builds in the CI views on %s', (engine) => {
  let t: TestStore;
  let jk: JenkinsServer;
  let ws: ReturnType<typeof workspace>;
  const run = async (args: string[]) => {
    const r = await ws.run(args);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    ws = workspace(t, {}, { JENKINS_USER: USER, JENKINS_TOKEN: TOKEN });
    // Four finished builds of platform/deploy-api, the third failed; three stages of a minute each.
    const builds = [1, 2, 3, 4].map((n) => pipelineBuild(n, n === 3 ? { result: 'FAILURE' } : {}));
    jk = await startJenkinsServer({ root: syntheticTree(builds), user: USER, token: TOKEN });
    await run(['collect', 'jenkins', '--option', `url=${jk.url}`]);
  }, 60_000);
  afterAll(async () => {
    await jk?.stop();
    ws?.cleanup();
    await t?.cleanup();
  });

  it('counts the builds and their success rate in the report', async () => {
    const report = JSON.parse(
      await run(['report', ...WINDOW, '--json', '--metric', 'ci.runs.count', 'ci.runs.success_rate']),
    ) as { lines: { metric: string; value: number | null }[] };
    const value = (m: string) => report.lines.find((r) => r.metric === m)?.value;
    expect(value('ci.runs.count')).toBe(4);
    expect(value('ci.runs.success_rate')).toBeCloseTo(0.75, 10);
  });

  it('gives each stage its durations and the critical path: build, test, deploy in a chain', async () => {
    const r = JSON.parse(await run(['ci', 'stages', ...WINDOW, '--json'])) as {
      stages: Record<string, unknown>[];
      speedUpFirst: { stage: string; workflow: string; share: number } | null;
    };
    const byStage = new Map(r.stages.map((s) => [s.stage, s]));
    expect([...byStage.keys()].sort()).toEqual(['build', 'deploy', 'test']);
    for (const s of byStage.values()) expect(s.workflow).toBe('platform/deploy-api');
    // Each stage takes one minute, and each needs the one before: each is a third of the path.
    expect(r.speedUpFirst?.share).toBeCloseTo(1 / 3, 2);
  });
});
