import { PitwallError } from '../errors/errors.js';
import type { QueryOptions } from './store.js';

/**
 * Runs one read under its options. `work` gets a signal that fires when the caller aborts or the
 * time runs out, and must stop the engine's statement when it does (each store knows how); the
 * returned promise settles at once either way, so a caller never waits for a queue or a cancel.
 */
export async function guarded<T>(
  options: QueryOptions | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { signal: caller, timeoutMs } = options ?? {};
  const timer = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
  const signals = [caller, timer].filter((s): s is AbortSignal => s !== undefined);
  if (!signals.length) return work(new AbortController().signal);
  const signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
  const stopped = () =>
    timer?.aborted
      ? new PitwallError('query_timeout', `the query ran longer than ${timeoutMs} ms and was cancelled`, {
          timeout_ms: timeoutMs,
        })
      : new PitwallError('query_cancelled', 'the query was cancelled: its caller went away');
  if (signal.aborted) throw stopped();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(stopped());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const run = work(signal);
  try {
    return await Promise.race([run, aborted]);
  } catch (e) {
    // The engine's own "cancelled" error is ours to name: timeout or a caller gone.
    throw signal.aborted ? stopped() : e;
  } finally {
    signal.removeEventListener('abort', onAbort);
    aborted.catch(() => undefined);
    run.catch(() => undefined);
  }
}
