import type pg from 'pg';
import { PitwallError, invalidArgument } from '../../errors/errors.js';

/**
 * The one place a PostgreSQL failure becomes a coded error. The server is down, restarting or
 * unreachable: store_unavailable (HTTP 503, exit 3), so a caller retries rather than reports a
 * bug. A value the server cannot hold: invalid_argument (HTTP 400, exit 2). Records are checked
 * before any write (domain/storable.ts, the kinds' schemas), so this catches values that reach
 * a query some other way (an id in a path, a filter). Anything else stays as it is: a bug.
 */
export function mapPgError(e: unknown): unknown {
  if (e instanceof PitwallError || !(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION.has(code) || /^08/.test(code) || /^57P0[123]$/.test(code)))
    return new PitwallError(
      'store_unavailable',
      `PostgreSQL is unavailable (${code}): check that the server is running and reachable, then retry`,
      { code },
    );
  if (
    !code &&
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message)
  )
    return new PitwallError(
      'store_unavailable',
      'PostgreSQL closed the connection: check that the server is running and reachable, then retry',
    );
  if (
    typeof code === 'string' &&
    (VALUE.has(code) || (code === '22P02' && /unicode|surrogate/i.test(e.message)))
  )
    // The server's message names the problem, never the value (e.g. "invalid byte sequence ... 0x00").
    return invalidArgument(`PostgreSQL refused a value: ${e.message}`, { code });
  return e;
}

/** Node's socket errors: nothing listens, the address does not resolve, the network dropped. */
const CONNECTION = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  // too_many_connections
  '53300',
]);

/**
 * Data exceptions caused by a value: NUL (22021), an unpaired \u escape (22P05), a date past the
 * engine's range (22008), a number past its column (22003), a key past the index row (54000).
 */
const VALUE = new Set(['22021', '22P05', '22008', '22003', '54000']);

/** For `.catch()`: rethrows the mapped error. */
export function rethrowMapped(e: unknown): never {
  throw mapPgError(e);
}

const guarded = new WeakSet<pg.PoolClient>();

/**
 * A pooled session, its connection failure mapped. A session checked out of the pool has no
 * listener for its 'error' event (the pool listens only while it is idle), so a server that goes
 * away under a statement would crash the process: the failure is kept to the statement instead.
 */
export async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect().catch(rethrowMapped);
  if (!guarded.has(client)) {
    guarded.add(client);
    client.on('error', () => undefined);
  }
  return client;
}
