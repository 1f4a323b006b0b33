import { z } from 'zod';
import { invalidArgument } from '../../errors/errors.js';
import type { AnyRecordInput } from '../../domain/records.js';
import type { Collector, CollectContext, CollectBatch, CollectOutcome } from '../collector.js';
import { jenkinsClient, type JenkinsClient } from './client.js';
import { deploymentOf, type DeployRule } from './deploy.js';
import { COMPUTER_TREE, QUEUE_TREE, jkComputers, jkQueue, sampleMetrics } from './sample.js';
import { TESTS_TREE, jkTestReport, mapTestReport } from './tests.js';
import { parseJenkinsCursor, type JenkinsCursor } from './cursor.js';
import {
  isFolder,
  isMultibranch,
  isPipeline,
  jkBuildList,
  jkDescribe,
  jkJobList,
  mapBuild,
  type JkStage,
  type JobRef,
} from './map.js';

const options = z
  .object({
    /** The Jenkins root URL, e.g. https://ci.example.com (or .../jenkins behind a prefix). */
    url: z.string().url(),
    /** Full names of jobs or folders to read, comma separated (default: every job). */
    job: z.string().optional(),
    /** The owner/name runs are filed under (default: jenkins/<host>). */
    repo: z
      .string()
      .regex(/^[^\s/]+\/[^\s/]+$/, 'expected "owner/name"')
      .optional(),
    /** Newest builds read per job and run. */
    builds: z.coerce.number().int().min(1).max(1000).default(100),
    /** A regular expression: builds whose stage (or freestyle job) name matches are deployments. */
    deploy: z.string().min(1).optional(),
    /** A regular expression on the branch: only builds of matching branches deploy (default: any). */
    deploy_branch: z.string().min(1).optional(),
    /** The environment those deployments go to. */
    environment: z.string().min(1).default('production'),
    /** The service they deploy (default: the job's, or multibranch project's, own name). */
    service: z.string().min(1).optional(),
  })
  .strict();

export interface JenkinsRun {
  client: JenkinsClient;
  repo: string;
  roots: string[];
  builds: number;
  deploy: DeployRule | null;
  /** The server's host, the tag of the queue and agent gauges. */
  server: string;
}

/** /job/a/job/b for the full name a/b. */
const jobPath = (fullName: string) =>
  fullName
    ? fullName
        .split('/')
        .map((n) => `/job/${encodeURIComponent(n)}`)
        .join('')
    : '';

function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success)
    throw invalidArgument(
      `Jenkins ${what} was not in the expected shape: ${r.error.issues[0]?.message ?? ''} at ${r.error.issues[0]?.path.join('.') ?? ''}`,
    );
  return r.data;
}

function regexOption(name: string, value: string | undefined): RegExp | null {
  if (value === undefined) return null;
  try {
    return new RegExp(value);
  } catch (e) {
    throw invalidArgument(`--option ${name}=${value}: not a regular expression (${(e as Error).message})`, {
      field: name,
    });
  }
}

const JOBS_TREE = 'jobs[name,url,_class]';
const buildsTree = (n: number) =>
  `builds[number,result,timestamp,duration,building,actions[causes[*],parameters[*],lastBuiltRevision[SHA1,branch[name]]]]{0,${n}}`;

/** Every buildable job under a folder (or the job itself), folder by folder. */
async function* walk(
  client: JenkinsClient,
  fullName: string,
  cls: string | null,
  branchOf: string | null,
): AsyncGenerator<JobRef> {
  if (cls !== null && !isFolder(cls)) {
    yield { fullName, branchOf, pipeline: isPipeline(cls) };
    return;
  }
  const body = await client.get(`${jobPath(fullName)}/api/json`, `_class,${JOBS_TREE}`);
  const list = parse(jkJobList, body, 'job list');
  // A named root that is a job, not a folder: Jenkins answers without `jobs`.
  if (cls === null && fullName && !(body && typeof body === 'object' && 'jobs' in body)) {
    const self = parse(z.object({ _class: z.string() }).loose(), body, 'job');
    yield { fullName, branchOf, pipeline: isPipeline(self._class) };
    return;
  }
  const own = cls ?? (typeof list._class === 'string' ? list._class : '');
  for (const j of list.jobs) {
    const child = fullName ? `${fullName}/${j.name}` : j.name;
    yield* walk(client, child, j._class, isMultibranch(own) ? fullName : null);
  }
}

async function* collectJenkins(
  ctx: CollectContext<JenkinsRun>,
): AsyncGenerator<CollectBatch, CollectOutcome, void> {
  const run = ctx.target;
  const previous = parseJenkinsCursor(ctx.cursor, ctx.logger);
  const next: JenkinsCursor = { v: 1, jobs: { ...(previous?.jobs ?? {}) } };
  let jobsSeen = 0;
  let buildsRead = 0;
  let deployments = 0;
  for (const root of run.roots) {
    for await (const job of walk(run.client, root, null, null)) {
      jobsSeen++;
      const path = jobPath(job.fullName);
      const list = parse(
        jkBuildList,
        await run.client.get(`${path}/api/json`, buildsTree(run.builds)),
        'build list',
      );
      const after = previous?.jobs[job.fullName] ?? 0;
      const fresh = list.builds.filter((b) => b.number > after).sort((a, b) => a.number - b.number);
      const records: AnyRecordInput[] = [];
      for (const b of fresh) {
        let stages: JkStage[] | null = null;
        if (job.pipeline)
          stages = parse(
            jkDescribe,
            await run.client.get(`${path}/${b.number}/wfapi/describe`),
            'run description',
          ).stages;
        const m = mapBuild(run.repo, job, b, stages);
        records.push(m.run, ...m.jobs);
        if (b.building !== true) {
          const report = await run.client.getOrNull(`${path}/${b.number}/testReport/api/json`, TESTS_TREE);
          if (report !== null)
            records.push(...mapTestReport(parse(jkTestReport, report, 'test report'), m.run));
        }
        const d = run.deploy ? deploymentOf(run.deploy, m.run, m.jobs, stages !== null) : null;
        if (d) {
          records.push(d);
          deployments++;
        }
        buildsRead++;
      }
      // The cursor stops before the oldest build still running: the next run reads it again, finished.
      const running = fresh.filter((b) => b.building === true).map((b) => b.number);
      const done = running.length ? Math.min(...running) - 1 : Math.max(after, ...fresh.map((b) => b.number));
      next.jobs[job.fullName] = Math.max(after, done);
      ctx.progress({ unit: 'builds', done: buildsRead });
      if (records.length) yield { records };
    }
  }
  const queue = parse(jkQueue, await run.client.get('/queue/api/json', QUEUE_TREE), 'build queue');
  const computers = parse(
    jkComputers,
    await run.client.get('/computer/api/json', COMPUTER_TREE),
    'agent list',
  );
  yield { records: sampleMetrics(run.server, queue, computers, new Date()) };
  return {
    cursor: JSON.stringify(next),
    facts: {
      incremental: previous !== null,
      jobs: jobsSeen,
      builds: buildsRead,
      deployments,
      requests: run.client.stats.requests,
    },
  };
}

export const jenkinsCollector = {
  id: 'jenkins',
  description: 'builds of freestyle, pipeline and multibranch jobs, with their stages, from Jenkins',
  configSchema: options,
  async prepare(o, ctx) {
    const user = ctx.env.JENKINS_USER?.trim();
    const token = ctx.env.JENKINS_TOKEN?.trim();
    if (!user || !token)
      throw invalidArgument(
        `${user ? 'JENKINS_TOKEN' : 'JENKINS_USER'} is not set: export JENKINS_USER (a Jenkins user) and JENKINS_TOKEN (an API token made on that user's Security page)`,
        { field: user ? 'JENKINS_TOKEN' : 'JENKINS_USER' },
      );
    const url = new URL(o.url);
    const pattern = regexOption('deploy', o.deploy);
    const branch = regexOption('deploy_branch', o.deploy_branch);
    const roots = o.job
      ? o.job
          .split(',')
          .map((j) => j.trim().replace(/^\/+|\/+$/g, ''))
          .filter(Boolean)
      : [''];
    return {
      sourceId: `jenkins:${url.host}${url.pathname.replace(/\/+$/, '')}${o.job ? `:${roots.join(',')}` : ''}`,
      target: {
        client: jenkinsClient(o.url, user, token),
        repo: o.repo ?? `jenkins/${url.hostname}`,
        roots,
        builds: o.builds,
        server: url.host,
        deploy: pattern ? { pattern, branch, environment: o.environment, service: o.service ?? null } : null,
      },
    };
  },
  collect: collectJenkins,
} satisfies Collector<typeof options, JenkinsRun>;
