import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { FOLDER, FREESTYLE, MULTIBRANCH, ORG_FOLDER, type JkNode } from './server.js';

/** Recorded responses live beside the project, never inside it: a fresh clone has none. */
const FIXTURES_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/fixtures');
export const JENKINS_DIR = join(FIXTURES_ROOT, 'jenkins-api', 'devlake-jenkins');
export const jenkinsFixtures = () => existsSync(join(JENKINS_DIR, '_raw_jenkins_api_builds_multibranch.csv'));

const row = z.object({ data: z.string(), input: z.string() });

/** A DevLake raw table: `data` is one API JSON object, `input` what DevLake asked about. */
function table(file: string) {
  const rows = z.array(row).parse(parse(readFileSync(join(JENKINS_DIR, file), 'utf8'), { columns: true }));
  return rows.map((r) => ({
    data: JSON.parse(r.data) as Record<string, unknown>,
    input: JSON.parse(r.input) as Record<string, unknown> | null,
  }));
}

/**
 * The recorded Jenkins as one tree: the multibranch project github_org/devlake-jenkins (its branch
 * jobs, their builds and each build's stages), and the freestyle job devlake three folders deep.
 * The single-job stage table is left out: its rows point at other jobs' URLs than the builds.
 */
export function recordedJenkins(): JkNode {
  const branches: JkNode[] = table('_raw_jenkins_api_jobs_multibranch.csv').map(({ data }) => ({
    name: data.name as string,
    _class: data._class as string,
    builds: [],
    stages: {},
  }));
  for (const { data, input } of table('_raw_jenkins_api_builds_multibranch.csv'))
    branches.find((b) => b.name === input?.Name)!.builds!.push(data);
  for (const { data, input } of table('_raw_jenkins_api_stages_multibranch.csv')) {
    const [full, n] = String(input?.FullName).split('#');
    const b = branches.find((x) => full === `github_org/devlake-jenkins/${x.name}`)!;
    (b.stages![Number(n)] ??= []).push(data);
  }
  const freestyle = table('_raw_jenkins_api_builds.csv')
    .map((r) => r.data)
    .filter((d) => d._class === 'hudson.model.FreeStyleBuild');
  return {
    name: '',
    _class: 'hudson.model.Hudson',
    jobs: [
      {
        name: 'github_org',
        _class: ORG_FOLDER,
        jobs: [{ name: 'devlake-jenkins', _class: MULTIBRANCH, jobs: branches }],
      },
      {
        name: 'Test-jenkins-dir',
        _class: FOLDER,
        jobs: [
          {
            name: 'test-jenkins-sub-dir',
            _class: FOLDER,
            jobs: [
              {
                name: 'test-sub-sub-dir',
                _class: FOLDER,
                jobs: [{ name: 'devlake', _class: FREESTYLE, builds: freestyle }],
              },
            ],
          },
        ],
      },
    ],
  };
}

export function skipMessage(): void {
  console.warn(
    `skipping recorded Jenkins fixture tests: ${JENKINS_DIR} is absent (it sits beside the project, not in it)`,
  );
}
