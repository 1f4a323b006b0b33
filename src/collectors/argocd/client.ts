import { PitwallError } from '../../errors/errors.js';

/**
 * GET one Argo CD API path with the read-only token as a Bearer header. Failures name the status
 * and the path, never the token.
 */
export async function argoGet(baseUrl: string, token: string, path: string): Promise<unknown> {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
  } catch (e) {
    // fetch names a bad header value in its message: never let the token through.
    const message = (e as Error).message.split(token).join('***');
    throw new PitwallError('collector_failed', `Argo CD unreachable at GET ${path}: ${message}`);
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel().catch(() => undefined);
    throw new PitwallError(
      'collector_failed',
      `Argo CD answered ${res.status} to GET ${path}: check ARGOCD_TOKEN (a token of an account with read access to applications, e.g. role:readonly)`,
    );
  }
  if (!res.ok) {
    const detail = (await res.text().catch(() => '')).slice(0, 200);
    throw new PitwallError(
      'collector_failed',
      `Argo CD answered ${res.status} to GET ${path}${detail ? `: ${detail}` : ''}`,
    );
  }
  return (await res.json()) as unknown;
}
