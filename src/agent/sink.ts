import { PitwallApiError, PitwallClient } from '../client/client.js';

/** A record the agent ships: a command, a host fact or a metric point, with its `kind`. */
export type AgentRecord = Record<string, unknown> & { kind: string };

/**
 * Where the agent delivers: `pitwall serve` over HTTP, or the local store (wired by the CLI).
 * `ship` resolves only once the records are durable there, all or nothing; the agent moves its
 * offsets only after that. It throws an error with `code: 'invalid_records'` and
 * `details.problems[].index` when the sink refused some records, so the agent can set those
 * aside instead of retrying them forever.
 */
export interface AgentSink {
  /** For status and messages: the server URL or the store's location. */
  readonly name: string;
  ship(records: readonly AgentRecord[]): Promise<void>;
}

export interface HttpSinkOptions {
  /** Tries per batch, with backoff between them, before the sync gives up until next time. */
  attempts?: number;
  baseDelayMs?: number;
  /** Per request: a server that accepts the connection and never answers is given up on. */
  timeoutMs?: number;
  /** Aborts the request in flight and any wait between tries (the agent is stopping). */
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** Worth trying again: the server is down, overloaded, stopping or timed out. */
function transient(e: unknown): boolean {
  if (e instanceof PitwallApiError) return e.status >= 500 || e.status === 429 || e.status === 408;
  return true; // no answer at all: connection refused, reset, DNS, timeout
}

function describe(e: unknown): string {
  if (e instanceof PitwallApiError) return `${e.status} ${e.code}: ${e.message}`;
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ? `${err.message} (${err.cause.code})` : err.message;
}

/** POST /api/v1/ingest through the typed client, with the ingest-scoped token. */
export function httpSink(url: string, token: string | null, o: HttpSinkOptions = {}): AgentSink {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const client = new PitwallClient({
    baseUrl: url,
    token,
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        signal: o.signal
          ? AbortSignal.any([o.signal, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs),
      }),
  });
  const attempts = o.attempts ?? 5;
  const once = async (records: readonly AgentRecord[]): Promise<void> => {
    let delay = o.baseDelayMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      try {
        await client.ingest(records);
        return;
      } catch (e) {
        if (e instanceof PitwallApiError && (e.code === 'invalid_records' || e.status === 413)) throw e;
        if (!transient(e) || attempt >= attempts)
          throw Object.assign(new Error(`${url}: ${describe(e)}`), {
            code: e instanceof PitwallApiError ? e.code : 'unreachable',
          });
        await sleep(delay, o.signal);
        if (o.signal?.aborted) throw new Error(`${url}: stopped before it answered`, { cause: e });
        delay = Math.min(delay * 2, 4_000);
      }
    }
  };
  // A server with a smaller body limit than our batches: halves until they fit. Each half is
  // its own transaction; the offsets still move only when all are acknowledged.
  const split = async (records: readonly AgentRecord[], base: number): Promise<void> => {
    try {
      await once(records);
      return;
    } catch (e) {
      if (!(e instanceof PitwallApiError)) throw e;
      if (e.status !== 413 || records.length <= 1) {
        // Indexes as the caller counts them: into the whole batch, not this half.
        if (e.code === 'invalid_records' && base > 0)
          for (const p of (e.details as { problems?: { index: number }[] } | null)?.problems ?? [])
            p.index += base;
        if (e.status === 413) throw new Error(`${url}: ${describe(e)}`, { cause: e });
        throw e;
      }
    }
    const half = Math.ceil(records.length / 2);
    await split(records.slice(0, half), base);
    await split(records.slice(half), base + half);
  };
  return { name: url, ship: (records) => split(records, 0) };
}
