import pino from 'pino';
import { gitlabCollector, gitlabSettingsFrom } from '../src/collectors/gitlab/collector.js';
import { createGitLabClient } from '../src/collectors/gitlab/client.js';
import { projectSource } from '../src/collectors/gitlab/collect-project.js';
import { runEach } from '../src/collectors/run-split.js';
import { runPrepared } from '../src/collectors/run.js';
import { configSchema } from '../src/plugins.js';
import { openStore } from '../src/store/open.js';
import { startGitLabServer, type GitLabServer } from '../test/gitlab/server.js';
import { fmt, type BenchResult } from './harness.js';

/**
 * Requests Pitwall's GitLab collector needs against one REST call per merge request per
 * sub-resource (the list, then approvals, notes and commits of each) and one jobs call per
 * pipeline, both against the same GitLab-compatible server serving the demo organisation.
 */
const DEVELOPERS = Number(process.env.BENCH_GL_DEVELOPERS ?? 16);
const DAYS = Number(process.env.BENCH_GL_DAYS ?? 28);

const sum = (k: Record<string, number>, pick: (kind: string) => boolean) =>
  Object.entries(k).reduce((n, [kind, v]) => n + (pick(kind) ? v : 0), 0);

/** The per-sub-resource REST approach, made for real so its count is measured, not assumed. */
async function baseline(gl: GitLabServer): Promise<{ mrRequests: number; pipelineRequests: number }> {
  const headers = { 'private-token': 'x' };
  let requests = 0;
  const all = async (path: string): Promise<unknown[]> => {
    const out: unknown[] = [];
    let next: string | null = `${gl.url}/api/v4${path}${path.includes('?') ? '&' : '?'}per_page=100`;
    while (next) {
      requests++;
      const res: Response = await fetch(next, { headers });
      out.push(...((await res.json()) as unknown[]));
      next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    }
    return out;
  };
  for (const p of gl.data.projects.values()) {
    const id = encodeURIComponent(p.path_with_namespace);
    const mrs = (await all(`/projects/${id}/merge_requests?state=all`)) as { iid: number }[];
    for (const mr of mrs) {
      requests++;
      await (
        await fetch(`${gl.url}/api/v4/projects/${id}/merge_requests/${mr.iid}/approvals`, { headers })
      ).json();
      await all(`/projects/${id}/merge_requests/${mr.iid}/notes`);
      await all(`/projects/${id}/merge_requests/${mr.iid}/commits`);
    }
  }
  const mrRequests = requests;
  requests = 0;
  for (const p of gl.data.projects.values()) {
    const id = encodeURIComponent(p.path_with_namespace);
    const pipelines = (await all(`/projects/${id}/pipelines`)) as { id: number }[];
    for (const pl of pipelines) await all(`/projects/${id}/pipelines/${pl.id}/jobs?include_retried=true`);
  }
  return { mrRequests, pipelineRequests: requests };
}

export async function gitlabCollectBench(): Promise<BenchResult> {
  const gl = await startGitLabServer({
    source: 'demo',
    demoOptions: { developers: DEVELOPERS, days: DAYS, end: new Date('2024-06-03T00:00:00Z') },
    rateLimit: 100_000_000,
  });
  const store = await openStore({ duckdbPath: ':memory:' });
  try {
    const cfg = configSchema.parse({});
    const logger = pino({ level: 'silent' });
    const client = createGitLabClient({ baseUrl: gl.url, token: 'x', logger });
    const settings = gitlabSettingsFrom(cfg, null);
    const sources = [...gl.data.projects.values()].map((p) =>
      projectSource(p.path_with_namespace, p.default_branch, client, settings),
    );
    const run = () => runEach(gitlabCollector, sources, 4, { store, config: cfg, logger }, runPrepared);
    gl.resetStats();
    const t0 = performance.now();
    const first = await run();
    const ms = performance.now() - t0;
    const s1 = gl.stats();
    if (first.some((r) => !r.ok)) throw new Error(`collection failed: ${first.find((r) => !r.ok)?.error}`);
    gl.resetStats();
    await run();
    const s2 = gl.stats();
    gl.resetStats();
    const base = await baseline(gl);

    const projects = gl.data.projects.size;
    const mrs = [...gl.data.projects.values()].flatMap((p) => p.mergeRequests);
    const merged = mrs.filter((m) => m.state === 'merged').length;
    const pipelines = [...gl.data.projects.values()].reduce((n, p) => n + p.pipelines.length, 0);
    const mrReq = sum(
      s1.byKind,
      (k) => /MergeRequests|MoreNotes/.test(k) || k.startsWith('GET /projects/:id/repository/commits'),
    );
    const plReq = sum(s1.byKind, (k) => /Pipelines|MoreJobs/.test(k));
    const perProject = Math.max(...Object.values(s2.byProject));
    return {
      name: 'gitlab-collect',
      lines: [
        `demo organisation as a GitLab group: ${projects} projects, ${mrs.length} merge requests (${merged} merged), ${pipelines} pipelines; first collection ${fmt(ms / 1000, 2)} s, ${s1.requests} requests (${s1.graphql} GraphQL, ${s1.rest} REST)`,
        `merge requests with approvals, notes and commits: ${fmt((mrReq * 100) / merged, 2)} requests per 100 merged MRs (GraphQL pages + landing commits) vs ${fmt((base.mrRequests * 100) / merged)} per-MR REST: ${fmt(base.mrRequests / Math.max(1, mrReq))}x fewer (goal >= 20x)`,
        `pipelines with jobs (needs, retries, queue time): ${fmt((plReq * 100) / pipelines, 2)} requests per 100 pipelines vs ${fmt((base.pipelineRequests * 100) / pipelines)} per-pipeline REST (which has no needs): ${fmt(base.pipelineRequests / Math.max(1, plReq))}x fewer`,
        `re-run on the unchanged group: ${s2.requests} requests for ${projects} projects, at most ${perProject} per project (goal <= 1)`,
      ],
    };
  } finally {
    await store.close();
    await gl.stop();
  }
}
