import type { Logger } from 'pino';

type Closer = () => Promise<void> | void;

/**
 * One orderly stop for a process that serves: the HTTP server, the listeners later added
 * beside it and the store each register a closer, and a signal runs them in the order they
 * were registered (what accepts work first, what holds the data last). A closer that fails is
 * logged and the rest still run, so the store is closed whatever happened before it.
 */
export class Shutdown {
  private readonly closers: { name: string; close: Closer }[] = [];
  private running: Promise<boolean> | null = null;
  private readonly detach: (() => void)[] = [];

  constructor(private readonly logger: Logger) {}

  /** Adds a closer, run after every closer registered before it. */
  register(name: string, close: Closer): this {
    this.closers.push({ name, close });
    return this;
  }

  /** Runs every closer once, in order; later calls wait for the first. True when all succeeded. */
  run(): Promise<boolean> {
    this.running ??= (async () => {
      let ok = true;
      for (const c of this.closers) {
        try {
          await c.close();
        } catch (e) {
          ok = false;
          this.logger.error({ err: e, closer: c.name }, 'shutdown: a closer failed; continuing');
        }
      }
      for (const d of this.detach) d();
      return ok;
    })();
    return this.running;
  }

  /**
   * Resolves with the signal's name on the first of `signals`; the caller then calls `run()`.
   * A second signal while stopping is logged and ignored (the drain has its own deadline); the
   * handlers are removed once `run()` has finished.
   */
  untilSignal(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<NodeJS.Signals> {
    return new Promise((resolve) => {
      let received = false;
      const on = (s: NodeJS.Signals) => {
        if (received) return this.logger.warn({ signal: s }, 'shutdown already under way');
        received = true;
        resolve(s);
      };
      for (const s of signals) process.on(s, on);
      this.detach.push(() => {
        for (const s of signals) process.off(s, on);
      });
    });
  }
}
