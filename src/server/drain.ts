import type { MiddlewareHandler } from 'hono';
import { PitwallError } from '../errors/errors.js';
import type { AppEnv } from './context.js';
import { errorResponse } from './errors.js';

/**
 * The HTTP side of a graceful stop. Once `begin()` is called, a request that still reaches the
 * app (on a connection opened before) is answered 503 `shutting_down`, and every answer, those
 * in flight included, carries `Connection: close`, so each connection ends after its answer
 * and the server's close completes without cutting anyone.
 */
export class Drain {
  private active = 0;
  private stopping = false;

  get draining(): boolean {
    return this.stopping;
  }

  /** Requests the app is working on (their answer not yet handed to the socket). */
  get inFlight(): number {
    return this.active;
  }

  begin(): void {
    this.stopping = true;
  }

  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      if (this.stopping) {
        const res = errorResponse(
          c,
          new PitwallError(
            'shutting_down',
            'the server is shutting down: retry shortly (another replica, or this one once restarted)',
          ),
        );
        res.headers.set('connection', 'close');
        res.headers.set('retry-after', '1');
        return res;
      }
      this.active++;
      try {
        await next();
      } finally {
        this.active--;
        if (this.stopping) c.res.headers.set('connection', 'close');
      }
    };
  }
}
