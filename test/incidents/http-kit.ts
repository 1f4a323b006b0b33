import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fault the test asks for: the next `times` requests whose path matches answer `status`. */
export interface Fault {
  path: RegExp;
  status: number;
  times: number;
  /** Sent as Retry-After (seconds) with a 429. */
  retryAfter?: number;
}

export interface Hit {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

export type Handler = (hit: Hit) => { status: number; body: unknown; headers?: Record<string, string> };

export interface TestHttpServer {
  url: string;
  hits: Hit[];
  faults: Fault[];
  stop(): Promise<void>;
}

/**
 * A loopback JSON server with what every incident-system stand-in needs: a log of requests, a
 * queue of injected faults (429 with Retry-After, 500), and an auth check done by the handler.
 */
export async function serveJson(handler: Handler): Promise<TestHttpServer> {
  const hits: Hit[] = [];
  const faults: Fault[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const hit = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      authorization: req.headers.authorization,
    };
    hits.push(hit);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const fault = faults.find((f) => f.times > 0 && f.path.test(u.pathname));
    if (fault) {
      fault.times--;
      return send(
        fault.status,
        { error: { message: `injected ${fault.status}` } },
        fault.status === 429 ? { 'retry-after': String(fault.retryAfter ?? 0) } : {},
      );
    }
    try {
      const r = handler(hit);
      send(r.status, r.body, r.headers);
    } catch (e) {
      send(500, { error: { message: (e as Error).message } });
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    faults,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Offset paging as both APIs do it: a slice of `items` and whether more follow. */
export function pageOf<T>(
  items: readonly T[],
  q: URLSearchParams,
  max = 100,
): { page: T[]; offset: number; limit: number; more: boolean } {
  const limit = Math.min(max, Math.max(1, Number(q.get('limit') ?? 25)));
  const offset = Math.max(0, Number(q.get('offset') ?? 0));
  const page = items.slice(offset, offset + limit);
  return { page, offset, limit, more: offset + limit < items.length };
}
