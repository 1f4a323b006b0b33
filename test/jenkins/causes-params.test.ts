import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, queryOnce, type TestStore } from '../helpers/stores.js';
import { workspace } from '../incidents/helpers.js';
import { jenkinsFixtures, recordedJenkins, skipMessage } from './fixtures.js';
import { FREESTYLE, startJenkinsServer, type JenkinsServer, type JkNode } from './server.js';

const USER = 'ci-reader';
const TOKEN = '11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7';
const present = jenkinsFixtures();
if (!present) skipMessage();

/** Secret values a build was started with: none may reach the store or the output. */
const SECRETS = {
  password: 'hunter2-very-secret-value',
  dbPassword: 's3cr3t-db-pass',
  apiToken: 'plain-looking-value-123',
  flagToken: 'abcdEFGH1234secretvalue',
  githubToken: `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`,
  urlPassword: 'pa55w0rdXYZ',
};

const causeAction = (cause: Record<string, unknown>) => ({
  _class: 'hudson.model.CauseAction',
  causes: [cause],
});

/**
 * Causes and parameters in the shapes Jenkins' remote API gives them (`actions[].causes[]` of a
 * CauseAction, `actions[].parameters[]` of a ParametersAction; a password parameter's value is
 * left out by Jenkins, here also sent once as an older plugin might).
 */
function releaseBuilds(): Record<string, unknown>[] {
  const build = (n: number, actions: unknown[]) => ({
    _class: 'hudson.model.FreeStyleBuild',
    number: n,
    result: 'SUCCESS',
    building: false,
    timestamp: Date.UTC(2026, 1, 2, n),
    duration: 60_000,
    actions: [...actions, {}],
  });
  const str = (name: string, value: string) => ({ _class: 'hudson.model.StringParameterValue', name, value });
  return [
    build(1, [
      causeAction({
        _class: 'hudson.model.Cause$UserIdCause',
        shortDescription: 'Started by user Ada',
        userId: 'ada',
        userName: 'Ada',
      }),
      {
        _class: 'hudson.model.ParametersAction',
        parameters: [
          str('ENV', 'prod'),
          { _class: 'hudson.model.BooleanParameterValue', name: 'DRY_RUN', value: false },
          { _class: 'hudson.model.PasswordParameterValue', name: 'DEPLOY_KEY' },
          { _class: 'hudson.model.PasswordParameterValue', name: 'SIGNING', value: SECRETS.password },
          str('DB_PASSWORD', SECRETS.dbPassword),
          str('apiToken', SECRETS.apiToken),
          str('DEPLOY_ARGS', `--replicas 3 --token=${SECRETS.flagToken}`),
          str('NOTIFY', SECRETS.githubToken),
          str('REPO_URL', `https://deploy:${SECRETS.urlPassword}@git.example.com/acme/api.git`),
          str('TOKEN_FILE', '/etc/pitwall/token'),
          { _class: 'hudson.model.TextParameterValue', name: 'NOTES', value: 'line one\nline two' },
          { _class: 'hudson.model.FileParameterValue', name: 'bundle.zip' },
          { _class: 'hudson.model.RunParameterValue', name: 'BUILD', jobName: 'build-api', number: '12' },
        ],
      },
    ]),
    build(2, [
      causeAction({
        _class: 'hudson.triggers.TimerTrigger$TimerTriggerCause',
        shortDescription: 'Started by timer',
      }),
    ]),
    build(3, [
      causeAction({
        _class: 'hudson.triggers.SCMTrigger$SCMTriggerCause',
        shortDescription: 'Started by an SCM change',
      }),
    ]),
    build(4, [
      causeAction({
        _class: 'hudson.model.Cause$UpstreamCause',
        shortDescription: 'Started by upstream project "build-api" build number 12',
        upstreamBuild: 12,
        upstreamProject: 'build-api',
        upstreamUrl: 'job/build-api/',
      }),
      { _class: 'hudson.model.ParametersAction', parameters: [str('ENV', 'staging')] },
    ]),
    build(5, [
      causeAction({
        _class: 'hudson.model.Cause$RemoteCause',
        shortDescription: 'Started by remote host 10.0.0.7',
        addr: '10.0.0.7',
        note: null,
      }),
    ]),
  ];
}

const tree = (): JkNode => ({
  name: '',
  _class: 'hudson.model.Hudson',
  jobs: [{ name: 'release', _class: FREESTYLE, builds: releaseBuilds() }],
});

describe.each(ENGINES)('Jenkins build causes and parameters on %s', (engine) => {
  let t: TestStore;
  let jk: JenkinsServer | undefined;
  let ws: ReturnType<typeof workspace>;
  const collect = () => ws.run(['collect', 'jenkins', '--option', `url=${jk!.url}`, '--json']);
  const runs = () =>
    queryOnce<{ run_id: string; event: string | null; actor: string | null; parameters: string | null }>(
      t,
      'select run_id, event, actor, parameters from pipeline_runs order by run_id',
    );

  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    ws = workspace(t, {}, { JENKINS_USER: USER, JENKINS_TOKEN: TOKEN });
  });
  afterEach(async () => {
    await jk?.stop();
    jk = undefined;
    ws?.cleanup();
    await t?.cleanup();
  });

  it('maps each cause to the event (user, timer, SCM, upstream, remote) and stores parameters with secrets redacted', async () => {
    jk = await startJenkinsServer({ root: tree(), user: USER, token: TOKEN });
    const r = await collect();
    expect(r.code, r.stderr).toBe(0);
    const rows = await runs();
    expect(rows.map((x) => [x.run_id, x.event, x.actor])).toEqual([
      ['release#1', 'manual', 'ada'],
      ['release#2', 'schedule', null],
      ['release#3', 'push', null],
      ['release#4', 'upstream', null],
      ['release#5', 'api', null],
    ]);
    const params = rows.map((x) => (x.parameters === null ? null : (JSON.parse(x.parameters) as unknown)));
    expect(params).toEqual([
      {
        BUILD: 'build-api#12',
        DB_PASSWORD: '[REDACTED]',
        DEPLOY_ARGS: '--replicas 3 --token=[REDACTED]',
        DEPLOY_KEY: '[REDACTED]',
        DRY_RUN: false,
        ENV: 'prod',
        NOTES: 'line one\nline two',
        NOTIFY: '[REDACTED]',
        REPO_URL: 'https://deploy:[REDACTED]@git.example.com/acme/api.git',
        SIGNING: '[REDACTED]',
        TOKEN_FILE: '/etc/pitwall/token',
        apiToken: '[REDACTED]',
        'bundle.zip': null,
      },
      null,
      null,
      { ENV: 'staging' },
      null,
    ]);
    // Nowhere in what was stored or printed: every column of the runs, jobs and the source's row.
    const stored = JSON.stringify([
      await queryOnce(t, 'select * from pipeline_runs'),
      await queryOnce(t, 'select * from pipeline_jobs'),
      await queryOnce(t, 'select * from sources'),
    ]);
    for (const secret of Object.values(SECRETS)) {
      expect(stored).not.toContain(secret);
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });

  it.skipIf(!present)(
    'recorded builds carry no parameters: stored as null, their causes as events',
    async () => {
      jk = await startJenkinsServer({ root: recordedJenkins(), user: USER, token: TOKEN });
      const r = await collect();
      expect(r.code, r.stderr).toBe(0);
      const rows = await runs();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((x) => x.parameters === null)).toBe(true);
      expect(new Set(rows.map((x) => x.event))).toEqual(new Set(['manual', 'push', 'indexing']));
    },
  );
});
