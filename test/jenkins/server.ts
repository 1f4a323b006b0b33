import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Jenkins item: a folder (jobs) or a job (builds, and for pipelines each build's stages). */
export interface JkNode {
  name: string;
  _class: string;
  jobs?: JkNode[];
  builds?: Record<string, unknown>[];
  /** Build number -> the stages of its wfapi/describe. */
  stages?: Record<number, Record<string, unknown>[]>;
  /** Build number -> its JUnit plugin report (testReport/api/json); others answer 404. */
  tests?: Record<number, Record<string, unknown>>;
}

export interface JenkinsServer {
  url: string;
  /** Paths (no query) of every request that passed the auth check. */
  hits: string[];
  /** Requests refused for their credentials. */
  refused: number;
  root: JkNode;
  /** /queue/api/json's items and /computer/api/json's answer; change them between runs. */
  queue: Record<string, unknown>[];
  computers: { busyExecutors: number; totalExecutors: number; computer: Record<string, unknown>[] };
  stop(): Promise<void>;
}

export const FOLDER = 'com.cloudbees.hudson.plugins.folder.Folder';
export const ORG_FOLDER = 'jenkins.branch.OrganizationFolder';
export const MULTIBRANCH = 'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject';
export const PIPELINE = 'org.jenkinsci.plugins.workflow.job.WorkflowJob';
export const FREESTYLE = 'hudson.model.FreeStyleProject';

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Jenkins' remote API as far as the collector reads it: `/job/a/job/b/api/json?tree=jobs[...]`,
 * `...?tree=builds[...]{0,N}` (newest first, like Jenkins), `/job/x/N/wfapi/describe`, and
 * `/crumbIssuer/api/json`; every request needs basic auth with the one user and API token.
 */
export async function startJenkinsServer(o: {
  root: JkNode;
  user: string;
  token: string;
}): Promise<JenkinsServer> {
  const expected = `Basic ${Buffer.from(`${o.user}:${o.token}`).toString('base64')}`;
  const state = {
    hits: [] as string[],
    refused: 0,
    queue: [] as Record<string, unknown>[],
    computers: { busyExecutors: 0, totalExecutors: 0, computer: [] as Record<string, unknown>[] },
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== expected) {
      state.refused++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Jenkins"' });
      res.end('<html>Unauthorized</html>');
      return;
    }
    state.hits.push(u.pathname);
    if (u.pathname === '/crumbIssuer/api/json')
      return send(res, 200, { crumb: 'c0ffee', crumbRequestField: 'Jenkins-Crumb' });
    if (u.pathname === '/queue/api/json')
      return send(res, 200, { _class: 'hudson.model.Queue', items: state.queue });
    if (u.pathname === '/computer/api/json')
      return send(res, 200, { _class: 'hudson.model.ComputerSet', ...state.computers });
    const seg = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let node = o.root;
    while (seg[0] === 'job') {
      const child = node.jobs?.find((j) => j.name === seg[1]);
      if (!child) return send(res, 404, { error: 'no such job' });
      node = child;
      seg.splice(0, 2);
    }
    const rest = seg.join('/');
    if (rest === 'api/json') {
      const tree = u.searchParams.get('tree') ?? '';
      if (tree.startsWith('builds[')) {
        if (!node.builds) return send(res, 200, { _class: node._class });
        const limit = Number(/\{0,(\d+)\}$/.exec(tree)?.[1] ?? '100');
        const builds = [...node.builds].sort((a, b) => (b.number as number) - (a.number as number));
        return send(res, 200, { _class: node._class, builds: builds.slice(0, limit) });
      }
      if (!node.jobs) return send(res, 200, { _class: node._class });
      return send(res, 200, {
        _class: node._class,
        jobs: node.jobs.map((j) => ({
          _class: j._class,
          name: j.name,
          url: `http://jenkins.invalid/job/${j.name}/`,
        })),
      });
    }
    const tr = /^(\d+)\/testReport\/api\/json$/.exec(rest);
    if (tr && node.tests?.[Number(tr[1])]) return send(res, 200, node.tests[Number(tr[1])]);
    const m = /^(\d+)\/wfapi\/describe$/.exec(rest);
    if (m && node.builds?.some((b) => b.number === Number(m[1])))
      return send(res, 200, { id: m[1], name: `#${m[1]}`, stages: node.stages?.[Number(m[1])] ?? [] });
    return send(res, 404, { error: `not served: ${u.pathname}` });
  };
  const server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return state.hits;
    },
    set hits(v) {
      state.hits = v;
    },
    get refused() {
      return state.refused;
    },
    root: o.root,
    get queue() {
      return state.queue;
    },
    set queue(v) {
      state.queue = v;
    },
    get computers() {
      return state.computers;
    },
    set computers(v) {
      state.computers = v;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
