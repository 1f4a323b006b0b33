import { PitwallError } from '../../errors/errors.js';

/** Requests made by one run: the collector's summary facts and the tests' economy checks. */
export interface JenkinsStats {
  requests: number;
}

export interface JenkinsClient {
  get(path: string, tree?: string): Promise<unknown>;
  /** null when Jenkins answers 404 (a build without a test report). */
  getOrNull(path: string, tree?: string): Promise<unknown>;
  stats: JenkinsStats;
}

/**
 * A JSON GET client for Jenkins' remote API with a user and API token (basic auth). Reads need no
 * CSRF crumb (Jenkins asks for one only on POST), and this collector only reads. The token is
 * sent in a header and never appears in a message: failures name the status and path only.
 */
export function jenkinsClient(baseUrl: string, user: string, token: string): JenkinsClient {
  const base = baseUrl.replace(/\/+$/, '');
  const auth = `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
  const stats: JenkinsStats = { requests: 0 };
  const get = async (path: string, tree: string | undefined, missingOk: boolean): Promise<unknown> => {
    const url = `${base}${path}${tree ? `?tree=${encodeURIComponent(tree)}` : ''}`;
    stats.requests++;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', authorization: auth } });
    } catch (e) {
      throw new PitwallError(
        'collector_failed',
        `Jenkins unreachable at GET ${path}: ${(e as Error).message}`,
      );
    }
    if (res.status === 401 || res.status === 403)
      throw new PitwallError(
        'collector_failed',
        `Jenkins answered ${res.status} to GET ${path}: check JENKINS_USER and JENKINS_TOKEN (an API token of a user with Overall/Read and Job/Read)`,
      );
    if (res.status === 404 && missingOk) return null;
    if (!res.ok) throw new PitwallError('collector_failed', `Jenkins answered ${res.status} to GET ${path}`);
    return (await res.json()) as unknown;
  };
  return { stats, get: (p, t) => get(p, t, false), getOrNull: (p, t) => get(p, t, true) };
}
