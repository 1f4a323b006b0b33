import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Store } from '../store/store.js';
import type { DataSpan } from './data-span.js';
import type { Drain } from './drain.js';
import type { EnrichQueue } from './enrich-queue.js';
import type { ReadCache } from './read-cache.js';
import type { TokenStore } from './tokens.js';
import type { WriteCoalescer } from './write-coalescer.js';

/** Everything a route needs arrives here; no route imports a global store, config or clock. */
export interface ServerContext {
  store: Store;
  config: Config;
  registry: MetricRegistry;
  /** Now, for default windows: a test pins it to the demo's end. */
  clock: () => Date;
  logger: Logger;
  tokens: TokenStore;
  enrich: EnrichQueue;
  /** Concurrent ingest requests land together: one transaction and one enrichment pass. */
  writes: WriteCoalescer;
  /** Shared answers of identical reads; a write makes stale those over the tables it touched. */
  readCache: ReadCache;
  /** The stored data's earliest and latest instants: read windows are cut to them. */
  dataSpan: DataSpan;
  /** Where the built web app lives, or null to serve the plain API page. */
  webRoot: string | null;
  /** Set when the server stops: new requests get 503, answers close their connection. */
  drain: Drain;
}

/** Hono's per-request variables: who is calling (after auth). */
export interface AppEnv {
  Variables: {
    principal: Principal;
  };
}

export type Scope = 'ingest' | 'read' | 'admin';
export const SCOPES: readonly Scope[] = ['ingest', 'read', 'admin'];

export interface Principal {
  /** Token id, or null for an anonymous reader. */
  tokenId: string | null;
  scopes: readonly Scope[];
}
