import { PitwallError } from '../errors/errors.js';
import type { QueryOptions } from './store.js';

/**
 * Runs one read under its options. `work` gets a signal that fires when the caller aborts or the
 * statement runs out of time, and must stop the engine's statement when it does (each store
 * knows how); it calls `started()` once it holds a connection, which starts the clock (waiting
 * in a queue is bounded by the caller, not by the statement timeout). The returned promise
 * settles at once on abort, so a caller never waits for a queue or a cancel.
 */
export async function guarded<T>(
  options: QueryOptions | undefined,
  work: (signal: AbortSignal, started: () => void) => Promise<T>,
): Promise<T> {
  const { signal: caller, timeoutMs } = options ?? {};
  const ctl = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const started = () => {
    if (timeoutMs && !timer)
      timer = setTimeout(() => {
        timedOut = true;
        ctl.abort();
      }, timeoutMs);
  };
  const stopped = () =>
    timedOut
      ? new PitwallError('query_timeout', `the query ran longer than ${timeoutMs} ms and was cancelled`, {
          timeout_ms: timeoutMs,
        })
      : new PitwallError('query_cancelled', 'the query was cancelled: its caller went away');
  if (caller?.aborted) throw stopped();
  const onCaller = () => ctl.abort();
  caller?.addEventListener('abort', onCaller, { once: true });
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(stopped());
    ctl.signal.addEventListener('abort', onAbort, { once: true });
  });
  const run = work(ctl.signal, started);
  try {
    return await Promise.race([run, aborted]);
  } catch (e) {
    // The engine's own "cancelled" error is ours to name: timeout or a caller gone.
    throw ctl.signal.aborted ? stopped() : e;
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCaller);
    ctl.signal.removeEventListener('abort', onAbort);
    aborted.catch(() => undefined);
    run.catch(() => undefined);
  }
}
