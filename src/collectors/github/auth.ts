import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalidArgument } from '../../errors/errors.js';
import type { GitHubAuth } from './client.js';

export interface AuthSources {
  /** The host's environment, handed in: collectors never read process.env. */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  tokenFile?: string;
  installationId?: string;
}

function readSecret(path: string, cwd: string, what: string): string {
  try {
    return readFileSync(resolve(cwd, path), 'utf8').trim();
  } catch (e) {
    // The path is named, never the content.
    throw invalidArgument(`${what} ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/**
 * A GitHub App installation when PITWALL_GITHUB_APP_ID is set (its 15,000 requests/hour are
 * what large organisations need), else a token from --token-file or GITHUB_TOKEN.
 * The installation id may be left out: it is then looked up for the organisation.
 */
export function resolveAuth(
  s: AuthSources,
): GitHubAuth | { type: 'app-lookup'; appId: string; privateKey: string } {
  const appId = s.env.PITWALL_GITHUB_APP_ID?.trim();
  if (appId) {
    const keyFile = s.env.PITWALL_GITHUB_APP_PRIVATE_KEY_FILE?.trim();
    if (!keyFile)
      throw invalidArgument(
        "PITWALL_GITHUB_APP_ID is set but PITWALL_GITHUB_APP_PRIVATE_KEY_FILE is not: point it at the App's .pem",
      );
    const privateKey = readSecret(keyFile, s.cwd, 'PITWALL_GITHUB_APP_PRIVATE_KEY_FILE');
    const rawId = s.installationId ?? s.env.PITWALL_GITHUB_APP_INSTALLATION_ID?.trim();
    if (!rawId) return { type: 'app-lookup', appId, privateKey };
    const installationId = Number(rawId);
    if (!Number.isSafeInteger(installationId) || installationId <= 0)
      throw invalidArgument(
        `--installation-id ${JSON.stringify(rawId)} is not a number: use the id in the App installation's URL`,
      );
    return { type: 'app', appId, privateKey, installationId };
  }
  const token = s.tokenFile ? readSecret(s.tokenFile, s.cwd, '--token-file') : s.env.GITHUB_TOKEN?.trim();
  if (!token)
    throw invalidArgument(
      'no GitHub credentials: set GITHUB_TOKEN, pass --token-file FILE, or set PITWALL_GITHUB_APP_ID and PITWALL_GITHUB_APP_PRIVATE_KEY_FILE',
    );
  return { type: 'token', token };
}
