import { createDemo } from '../../src/demo/generate.js';
import type { DemoOptions } from '../../src/demo/options.js';
import type { RecordInput } from '../../src/domain/records.js';
import { buildRuns } from './demo-ci.js';
import {
  DemoBuild,
  ms,
  type DemoQuirks,
  type JobRecord,
  type ReviewRecord,
  type RunRecord,
} from './demo-common.js';
import { buildDeployment, buildIncidentIssue } from './demo-delivery.js';
import { buildPull } from './demo-pulls.js';
import type { RepoModel, ServerData } from './model.js';

/** The demo records the server serves, and how GitHub ids map back to the demo's own ids. */
export interface DemoGroundTruth {
  org: string;
  options: DemoOptions;
  records: {
    repos: RecordInput<'repo'>[];
    people: RecordInput<'person'>[];
    pullRequests: RecordInput<'pull_request'>[];
    reviews: RecordInput<'review'>[];
    commits: RecordInput<'commit'>[];
    pipelineRuns: RecordInput<'pipeline_run'>[];
    pipelineJobs: RecordInput<'pipeline_job'>[];
    deployments: RecordInput<'deployment'>[];
    incidents: RecordInput<'incident'>[];
  };
  /** GitHub review id -> demo `review_id`; job id -> `job_id`; deployment id -> `id`. */
  reviewIds: Map<number, string>;
  jobIds: Map<number, string>;
  deploymentIds: Map<number, string>;
  /** "owner/name#number" of an incident issue -> demo incident `id`. */
  incidentIssues: Map<string, string>;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
}

/** Runs the demo generator and turns the records GitHub would hold into GitHub objects. */
export function loadDemo(
  options: Partial<DemoOptions>,
  quirks: DemoQuirks,
  apiUrl: string,
): { data: ServerData; truth: DemoGroundTruth } {
  const demo = createDemo(options);
  const r: DemoGroundTruth['records'] = {
    repos: [],
    people: [],
    pullRequests: [],
    reviews: [],
    commits: [],
    pipelineRuns: [],
    pipelineJobs: [],
    deployments: [],
    incidents: [],
  };
  // Only the kinds GitHub holds are kept: test results and the like would cost memory for nothing.
  for (const batch of demo.batches())
    for (const rec of batch) {
      if (rec.kind === 'repo') r.repos.push(rec);
      else if (rec.kind === 'person') r.people.push(rec);
      else if (rec.kind === 'pull_request') r.pullRequests.push(rec);
      else if (rec.kind === 'review') r.reviews.push(rec);
      else if (rec.kind === 'commit') r.commits.push(rec);
      else if (rec.kind === 'pipeline_run') r.pipelineRuns.push(rec);
      else if (rec.kind === 'pipeline_job') r.pipelineJobs.push(rec);
      else if (rec.kind === 'deployment') r.deployments.push(rec);
      else if (rec.kind === 'incident') r.incidents.push(rec);
    }
  const org = r.repos[0]?.repo.split('/')[0] ?? 'demo';
  const b = new DemoBuild(org, quirks, apiUrl);
  const truth: DemoGroundTruth = {
    org,
    options: demo.options,
    records: r,
    reviewIds: new Map(),
    jobIds: new Map(),
    deploymentIds: new Map(),
    incidentIssues: new Map(),
  };
  const reviews = groupBy<ReviewRecord>(r.reviews, (x) => `${x.repo}#${x.pr_number}`);
  const prPushes = groupBy<RunRecord>(
    r.pipelineRuns.filter((x) => x.event === 'pull_request' && (x.attempt ?? 1) === 1 && x.pr_number != null),
    (x) => `${x.repo}#${x.pr_number}`,
  );
  const runs = groupBy<RunRecord>(r.pipelineRuns, (x) => x.repo);
  const jobs = groupBy<JobRecord>(r.pipelineJobs, (x) => x.repo);
  const deployments = groupBy(r.deployments, (x) => x.repo ?? '');
  const data: ServerData = { repos: new Map() };
  const firstAt = r.pullRequests.reduce((m, p) => Math.min(m, ms(p.created_at)), ms(demo.options.end));
  r.repos.forEach((rec, index) => {
    const full = rec.repo;
    const [owner, name] = full.split('/') as [string, string];
    const id = 700_000 + index;
    const pulls = r.pullRequests
      .filter((p) => p.repo === full)
      .sort((x, y) => x.number - y.number)
      .map((p) =>
        buildPull(
          b,
          full,
          p,
          reviews.get(`${full}#${p.number}`) ?? [],
          prPushes.get(`${full}#${p.number}`) ?? [],
          truth.reviewIds,
        ),
      );
    const titles = new Map(pulls.map((p) => [p.rest.number, p.rest.title]));
    const model: RepoModel = {
      owner,
      rest: {
        id,
        node_id: `R_${id}`,
        name,
        full_name: full,
        owner: { login: owner, id: 600_000, type: 'Organization' },
        private: true,
        html_url: `https://github.com/${full}`,
        url: `${apiUrl}/repos/${full}`,
        fork: false,
        archived: false,
        default_branch: rec.default_branch ?? 'main',
        created_at: b.time(firstAt - 365 * 86_400_000),
        updated_at: b.time(ms(demo.options.end) - 1),
        pushed_at: b.time(ms(demo.options.end) - 1),
      },
      pulls,
      runs: buildRuns(
        b,
        { full, id, index },
        runs.get(full) ?? [],
        jobs.get(full) ?? [],
        titles,
        truth.jobIds,
      ),
      deployments: (deployments.get(full) ?? []).map((d) => buildDeployment(b, full, d, truth.deploymentIds)),
      issues: [],
      issueComments: new Map(),
      releases: [],
      tags: [],
    };
    data.repos.set(full.toLowerCase(), model);
  });
  const byDemoId = new Map([...truth.deploymentIds].map(([gh, demoId]) => [demoId, gh]));
  for (const inc of r.incidents) {
    const repo = r.repos.find((x) => x.repo.split('/')[1] === inc.service)?.repo;
    const model = repo ? data.repos.get(repo.toLowerCase()) : undefined;
    if (!repo || !model) continue;
    const issue = buildIncidentIssue(b, repo, inc, (d) => byDemoId.get(d));
    model.issues.push(issue);
    truth.incidentIssues.set(`${repo}#${issue.number}`, inc.id);
  }
  return { data, truth };
}
