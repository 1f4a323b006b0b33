import { randomBytes } from 'node:crypto';

export type Credential = { kind: 'pat' | 'installation'; token: string } | { kind: 'jwt'; appId: string };

export interface AuthOptions {
  /** Accepted personal access tokens; any token when absent. */
  tokens?: string[];
  installationTokenTtlSeconds?: number;
  installationId?: number;
  appId?: number;
}

/** A JWT is three base64url parts whose header names an algorithm; the signature is not checked. */
function jwtIssuer(token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (typeof header !== 'object' || header === null || !('alg' in header)) return null;
    const iss = typeof payload === 'object' && payload !== null && 'iss' in payload ? payload.iss : '';
    return String(iss);
  } catch {
    return null;
  }
}

/** Who a request is: a PAT, an installation token the App flow issued (and not expired), or an App JWT. */
export class Authenticator {
  private readonly issued = new Map<string, number>();

  constructor(
    readonly options: AuthOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  identify(header: string | undefined): Credential | { error: string } {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '');
    if (!m) return { error: 'Requires authentication' };
    const token = m[1]!;
    const iss = jwtIssuer(token);
    if (iss !== null) return { kind: 'jwt', appId: iss };
    if (token.startsWith('ghs_')) {
      const expires = this.issued.get(token);
      return expires !== undefined && expires > this.now()
        ? { kind: 'installation', token }
        : { error: 'Bad credentials' };
    }
    if (this.options.tokens && !this.options.tokens.includes(token)) return { error: 'Bad credentials' };
    return { kind: 'pat', token };
  }

  issueInstallationToken(): { token: string; expires_at: string } {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expires = this.now() + (this.options.installationTokenTtlSeconds ?? 3_600) * 1000;
    this.issued.set(token, expires);
    return { token, expires_at: new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }
}
