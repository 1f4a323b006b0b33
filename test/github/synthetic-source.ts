import { createHash } from 'node:crypto';
import type {
  Json,
  PullModel,
  RepoModel,
  RestCommit,
  RestJob,
  RestPull,
  RestReview,
  RestRun,
  RestUser,
  RunModel,
  ServerData,
  TimelineType,
} from './model.js';
import { repoEvents } from './rest-events.js';

/**
 * A large organisation for benchmarks (50 repositories x 2,000 PRs and their runs) that the demo
 * generator cannot hold in memory. Each object is derived from (seed, repository, index) when a
 * request needs it: only a PR's list fields stay resident, while its reviews, commits, timeline,
 * and every run's attempts and jobs are rebuilt per request. Same seed, same answers.
 */
export interface SyntheticOptions {
  org?: string;
  repos?: number;
  /** Pull requests per repository. */
  prs?: number;
  /** Workflow runs per repository. */
  runs?: number;
  jobsPerRun?: number;
  seed?: number;
  /** The newest PR and run are created shortly before this. */
  end?: Date;
  /** Days the PRs and runs of a repository are spread over. */
  days?: number;
}

const HOUR = 3_600_000;

/** A small seeded generator (mulberry32): one per object, cheap enough to make thousands a request. */
function rng(...key: number[]): () => number {
  let a = key.reduce((h, k) => Math.imul(h ^ k, 0x9e3779b1) >>> 0, 0x12345678);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sha = (...parts: (string | number)[]) => createHash('sha1').update(parts.join('/')).digest('hex');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

class Synth {
  readonly users: RestUser[];
  readonly end: number;
  readonly spanMs: number;

  constructor(
    readonly o: Required<SyntheticOptions>,
    readonly apiUrl: string,
  ) {
    this.users = Array.from({ length: 40 }, (_, i) => ({
      login: `dev-${i + 1}`,
      id: 1000 + i,
      type: 'User',
    }));
    this.end = o.end.getTime();
    this.spanMs = o.days * 24 * HOUR;
  }

  user(r: () => number): RestUser {
    return this.users[Math.floor(r() * this.users.length)]!;
  }
}

/** A PR whose list fields are resident and whose nested lists are rebuilt when read. */
class SyntheticPull implements PullModel {
  readonly rest: RestPull;
  readonly detail: PullModel['detail'];
  readonly reviewComments = [];
  private readonly createdMs: number;
  private readonly authoredMs: number;
  private readonly nCommits: number;
  private readonly nReviews: number;

  constructor(
    private readonly s: Synth,
    private readonly repo: { full: string; index: number },
    private readonly n: number,
  ) {
    const r = rng(s.o.seed, repo.index, n, 1);
    const created = s.end - s.spanMs + Math.floor(((n - 1) / s.o.prs) * s.spanMs);
    const author = s.user(r);
    const fate = r();
    const mergedMs = fate < 0.85 ? created + Math.floor((2 + r() * 70) * HOUR) : null;
    const closedMs = mergedMs ?? (fate < 0.9 ? created + Math.floor((5 + r() * 100) * HOUR) : null);
    const open = closedMs === null || closedMs > s.end;
    this.createdMs = created;
    this.authoredMs = created - Math.floor(r() * 24 * HOUR);
    this.nCommits = 1 + Math.floor(r() * 3);
    this.nReviews = Math.floor(r() * 3);
    const base = `${s.apiUrl}/repos/${repo.full}`;
    this.rest = {
      id: 900_000_000 + repo.index * 100_000 + n,
      node_id: `PR_s${repo.index}_${n}`,
      number: n,
      title: `Change ${n} of ${repo.full}`,
      state: open ? 'open' : 'closed',
      draft: false,
      user: author,
      created_at: iso(created),
      updated_at: iso(open ? created + HOUR : closedMs!),
      closed_at: open ? null : iso(closedMs!),
      merged_at: open || mergedMs === null ? null : iso(mergedMs),
      merge_commit_sha: open || mergedMs === null ? null : sha('merge', repo.index, n),
      head: { ref: `${author.login}/change-${n}`, sha: sha('head', repo.index, n) },
      base: { ref: 'main' },
      labels: [],
      url: `${base}/pulls/${n}`,
      html_url: `https://github.com/${repo.full}/pull/${n}`,
    };
    const additions = 5 + Math.floor(r() * 400);
    this.detail = {
      additions,
      deletions: Math.floor(additions * r()),
      changed_files: 1 + Math.floor(r() * 12),
      comments: 0,
      review_comments: 0,
    };
  }

  get issueComments(): PullModel['issueComments'] {
    return [];
  }

  get commits(): RestCommit[] {
    const author = this.rest.user!;
    return Array.from({ length: this.nCommits }, (_, i) => {
      const at = iso(i === 0 ? this.authoredMs : this.createdMs + i * HOUR);
      const who = { name: author.login, email: `${author.login}@synthetic.example` };
      return {
        sha: i === this.nCommits - 1 ? this.rest.head.sha : sha('commit', this.repo.index, this.n, i),
        commit: { author: { ...who, date: at }, committer: { ...who, date: at }, message: this.rest.title },
        author,
        stats: { additions: Math.floor(this.detail.additions / this.nCommits), deletions: 0 },
      };
    });
  }

  get reviews(): RestReview[] {
    const r = rng(this.s.o.seed, this.repo.index, this.n, 2);
    const until = Date.parse(this.rest.closed_at ?? this.rest.updated_at);
    return Array.from({ length: this.nReviews }, (_, i) => ({
      // GraphQL's databaseId is an Int: ids stay below 2^31.
      id: 100_000_000 + (this.repo.index * 100_000 + this.n) * 4 + i,
      user: this.s.user(r),
      state: i === this.nReviews - 1 ? 'APPROVED' : 'COMMENTED',
      submitted_at: iso(
        this.createdMs + Math.floor(((i + 1) / (this.nReviews + 1)) * (until - this.createdMs)),
      ),
      commit_id: this.rest.head.sha,
    }));
  }

  get timeline(): { type: TimelineType; createdAt: string }[] {
    const out: { type: TimelineType; createdAt: string }[] = [];
    if (this.rest.merged_at) out.push({ type: 'MergedEvent', createdAt: this.rest.merged_at });
    if (this.rest.closed_at) out.push({ type: 'ClosedEvent', createdAt: this.rest.closed_at });
    return out;
  }
}

const JOBS = ['lint', 'build', 'unit', 'integration', 'e2e', 'package', 'deploy-preview', 'docs'];

/** A workflow run: its attempts and jobs are rebuilt from (seed, repository, index) per request. */
class SyntheticRun implements RunModel {
  readonly id: number;
  private readonly createdMs: number;

  constructor(
    private readonly s: Synth,
    private readonly repo: { full: string; index: number; id: number },
    private readonly k: number,
  ) {
    this.id = 40_000_000_000 + repo.index * 1_000_000 + k;
    this.createdMs = s.end - s.spanMs + Math.floor((k / s.o.runs) * s.spanMs) + 7 * 60_000;
  }

  private attemptCount(): number {
    return rng(this.s.o.seed, this.repo.index, this.k, 3)() < 0.08 ? 2 : 1;
  }

  private span(attempt: number) {
    const r = rng(this.s.o.seed, this.repo.index, this.k, 10 + attempt);
    const start = this.createdMs + (attempt - 1) * 40 * 60_000;
    const jobs = Array.from({ length: this.s.o.jobsPerRun }, (_, j) => {
      const created = start + j * 1000;
      const started = created + Math.floor(r() * 90_000);
      const completed = started + Math.floor((1 + r() * 12) * 60_000);
      const fail = r() < (attempt === 1 && this.attemptCount() > 1 ? 0.3 : 0.02);
      return { j, created, started, completed, conclusion: fail ? 'failure' : 'success' };
    });
    const completed = Math.max(...jobs.map((x) => x.completed));
    const conclusion = jobs.some((x) => x.conclusion === 'failure') ? 'failure' : 'success';
    return { start, jobs, completed, conclusion };
  }

  get attempts(): RestRun[] {
    const base = `${this.s.apiUrl}/repos/${this.repo.full}`;
    const pr = 1 + Math.floor((this.k / this.s.o.runs) * this.s.o.prs);
    const actor = this.s.user(rng(this.s.o.seed, this.repo.index, this.k, 4));
    return Array.from({ length: this.attemptCount() }, (_, i) => {
      const n = i + 1;
      const sp = this.span(n);
      return {
        id: this.id,
        name: 'ci',
        node_id: `WFR_${this.id}`,
        head_branch: `change-${pr}`,
        head_sha: sha('run', this.repo.index, this.k),
        path: '.github/workflows/ci.yml',
        run_number: this.k + 1,
        event: 'pull_request',
        status: 'completed',
        conclusion: sp.conclusion,
        workflow_id: 6_000_000 + this.repo.index,
        pull_requests: [{ number: pr, head: { ref: `change-${pr}` }, base: { ref: 'main' } }],
        created_at: iso(this.createdMs),
        updated_at: iso(sp.completed),
        run_started_at: iso(sp.start),
        run_attempt: n,
        actor,
        triggering_actor: actor,
        jobs_url: `${base}/actions/runs/${this.id}/jobs`,
        check_suite_id: this.id + 1,
        check_suite_node_id: `CS_${this.id}`,
        repository: { id: this.repo.id, full_name: this.repo.full },
      };
    });
  }

  get jobs(): RestJob[] {
    const out: RestJob[] = [];
    for (let n = 1; n <= this.attemptCount(); n++)
      for (const x of this.span(n).jobs) {
        const id = this.id * 100 + n * 10 + x.j;
        out.push({
          id,
          run_id: this.id,
          run_attempt: n,
          workflow_name: 'ci',
          head_sha: sha('run', this.repo.index, this.k),
          name: JOBS[x.j % JOBS.length]!,
          status: 'completed',
          conclusion: x.conclusion,
          created_at: iso(x.created),
          started_at: iso(x.started),
          completed_at: iso(x.completed),
          node_id: `CR_${id}`,
          labels: ['ubuntu-latest'],
          runner_name: `GitHub Actions ${1 + (id % 20)}`,
          runner_group_name: 'GitHub Actions',
          steps: [],
        });
      }
    return out;
  }
}

export const SYNTHETIC_DEFAULTS: Required<SyntheticOptions> = {
  org: 'synthetic',
  repos: 50,
  prs: 2000,
  runs: 2000,
  jobsPerRun: 5,
  seed: 7,
  end: new Date('2024-06-03T00:00:00Z'),
  days: 180,
};

export function loadSynthetic(options: SyntheticOptions, apiUrl: string): ServerData {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  const s = new Synth(o, apiUrl);
  const data: ServerData = { repos: new Map() };
  for (let index = 0; index < o.repos; index++) {
    const name = `service-${String(index + 1).padStart(3, '0')}`;
    const full = `${o.org}/${name}`;
    const id = 800_000 + index;
    const ref = { full, index, id };
    const model: RepoModel = {
      owner: o.org,
      rest: {
        id,
        node_id: `R_s${id}`,
        name,
        full_name: full,
        owner: { login: o.org, id: 600_001, type: 'Organization' },
        private: true,
        fork: false,
        archived: false,
        url: `${apiUrl}/repos/${full}`,
        default_branch: 'main',
        created_at: iso(s.end - s.spanMs - 365 * 24 * HOUR),
        updated_at: iso(s.end - 1000),
        pushed_at: iso(s.end - 1000),
      },
      pulls: Array.from({ length: o.prs }, (_, i) => new SyntheticPull(s, ref, i + 1)),
      runs: Array.from({ length: o.runs }, (_, k) => new SyntheticRun(s, ref, k)),
      deployments: [],
      issues: [],
      issueComments: new Map(),
      releases: [],
      tags: [],
    };
    // The feed holds the newest 300 events, and only the newest PRs can have them: deriving it
    // from those keeps the probe cheap without changing its answer.
    model.events = (): Json[] => repoEvents({ ...model, pulls: model.pulls.slice(-150) });
    data.repos.set(full.toLowerCase(), model);
  }
  return data;
}
