import type { MiddlewareHandler } from 'hono';
import { PitwallError } from '../errors/errors.js';
import type { AppEnv } from './context.js';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
/** Addresses that mean "every interface": no name a client would send. */
const EVERY_INTERFACE = ['0.0.0.0', '::', '[::]'];

/**
 * The Host names answered when `server.allowed_hosts` is not set: the loopback names, and the
 * address the server binds when that is one name (not every interface).
 */
export function defaultAllowedHosts(boundHost: string): string[] {
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  return EVERY_INTERFACE.includes(bound) ? LOOPBACK : [...new Set([...LOOPBACK, bound.toLowerCase()])];
}

interface Allowed {
  hostname: string;
  /** null: any port. */
  port: string | null;
}

function parseEntry(entry: string): Allowed {
  let u: URL;
  try {
    u = new URL(`http://${entry}`);
  } catch {
    throw new PitwallError(
      'invalid_config',
      `config key "server.allowed_hosts": ${JSON.stringify(entry)} is not a host name`,
    );
  }
  return { hostname: u.hostname.replace(/\.$/, ''), port: /:\d+$/.test(entry) ? u.port || '80' : null };
}

/**
 * Answers only requests whose Host header names this server. With reads open to anonymous
 * viewers, a page on any site could otherwise read the API through DNS rebinding (its own name
 * resolved to 127.0.0.1): the browser sends that name as Host, and it is refused here. An entry
 * without a port matches every port; `*` turns the check off (behind a proxy that checks Host).
 * /healthz answers whatever the Host, for probes that address a pod by its IP; it tells nothing.
 */
export function hostCheck(allowedHosts: readonly string[]): MiddlewareHandler<AppEnv> {
  if (allowedHosts.includes('*')) return (_c, next) => next();
  const allowed = allowedHosts.map(parseEntry);
  return async (c, next) => {
    if (c.req.path === '/healthz') return next();
    const url = new URL(c.req.url);
    const hostname = url.hostname.replace(/\.$/, '');
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    if (allowed.some((a) => a.hostname === hostname && (a.port === null || a.port === port))) return next();
    throw new PitwallError(
      'forbidden',
      `Host ${JSON.stringify(url.host)} is not a name of this server: add it to server.allowed_hosts in pitwall.yaml (allowed now: ${allowedHosts.join(', ')})`,
      { host: url.host, setting: 'server.allowed_hosts' },
    );
  };
}
