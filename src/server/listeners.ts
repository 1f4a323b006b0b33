import type { Hono } from 'hono';
import type { StatsdHealth } from '../listeners/statsd/listener.js';
import { SOURCE_COLUMNS } from '../collectors/sources.js';
import type { Queryable, SqlValue, Store } from '../store/store.js';
import { readAccess, type AuthOptions } from './auth.js';
import type { AppEnv, ServerContext } from './context.js';
import { readerOf } from './reads.js';

/**
 * Listener health in the store (migration 016): `pitwall serve` writes it at every flush, and
 * every reader (this route, `pitwall collectors list`, the platform dashboard) reads it there, so
 * it is the same whichever process asks. Counters run from the listener's start (`started_at`).
 */

/** A listener's `sources` id: its protocol and the address it was bound to. */
export const listenerSourceId = (h: Pick<StatsdHealth, 'address' | 'port'>) =>
  `statsd:${h.address}:${h.port}`;

const HEALTH_COLUMNS = [
  'source_id',
  'protocol',
  'address',
  'port',
  'socket_path',
  'receive_buffer_bytes',
  'started_at',
  'updated_at',
  'packets',
  'metrics',
  'events',
  'service_checks',
  'malformed',
  'recent_malformed',
  'unnamed',
  'late_dropped',
  'queue_dropped',
  'flushes',
  'flushed_points',
  'failed_points',
  'last_flush_error',
] as const;
const GUARD_COLUMNS = [
  'source_id',
  'metric',
  'tag_sets',
  'folded',
  'dropped',
  'dropped_keys',
  'bucketed',
] as const;

const at = (iso: string | null) => (iso ? new Date(iso) : null);

/** Writes the listener's `sources` row, its health and its guard counts in one transaction. */
export async function writeListenerHealth(
  store: Store,
  h: StatsdHealth,
  now: Date = new Date(),
): Promise<void> {
  const id = listenerSourceId(h);
  const health: Record<(typeof HEALTH_COLUMNS)[number], SqlValue> = {
    source_id: id,
    protocol: 'statsd',
    address: h.address,
    port: h.port,
    socket_path: h.socketPath,
    receive_buffer_bytes: h.receiveBufferBytes,
    started_at: new Date(h.startedAt),
    updated_at: now,
    packets: h.packets,
    metrics: h.metrics,
    events: h.events,
    service_checks: h.serviceChecks,
    malformed: h.malformed,
    recent_malformed: JSON.stringify(h.recentMalformed),
    unnamed: h.unnamed,
    late_dropped: h.lateDropped,
    queue_dropped: h.queueDropped,
    flushes: h.flushes,
    flushed_points: h.flushedPoints,
    failed_points: h.failedPoints,
    last_flush_error: h.lastFlushError,
  };
  await store.transaction(async (tx) => {
    // The guard's metrics of an earlier run under the same id are not this run's.
    await tx.query('delete from listener_guard where source_id = $1', [id]);
    await tx.upsert([
      {
        table: 'sources',
        columns: SOURCE_COLUMNS,
        key: ['id'],
        // The cursor is a collector's; a listener has none.
        update: SOURCE_COLUMNS.filter((c) => c !== 'cursor'),
        rows: [
          [
            id,
            'listener',
            null,
            now,
            at(h.lastFlushAt),
            h.lastFlushError,
            at(h.lastFlushErrorAt),
            h.flushedPoints,
          ],
        ],
      },
      {
        table: 'listener_health',
        columns: HEALTH_COLUMNS,
        key: ['source_id'],
        rows: [HEALTH_COLUMNS.map((c) => health[c])],
      },
      ...(h.guard.length
        ? [
            {
              table: 'listener_guard',
              columns: GUARD_COLUMNS,
              key: ['source_id', 'metric'],
              rows: h.guard.map((g) => [
                id,
                g.metric,
                g.tagSets,
                g.folded,
                g.dropped,
                g.droppedKeys.join(','),
                g.bucketed,
              ]),
            },
          ]
        : []),
    ]);
  });
}

export interface ListenerGuardRow {
  metric: string;
  tag_sets: number;
  folded: number;
  dropped: number;
  dropped_keys: string[];
  bucketed: number;
}

export interface ListenerState {
  id: string;
  protocol: string;
  address: string;
  port: number;
  socket_path: string | null;
  receive_buffer_bytes: number;
  started_at: string;
  updated_at: string;
  last_success_at: string | null;
  packets: number;
  metrics: number;
  events: number;
  service_checks: number;
  malformed: number;
  recent_malformed: { at: string; line: string; reason: string }[];
  unnamed: number;
  late_dropped: number;
  queue_dropped: number;
  flushes: number;
  flushed_points: number;
  failed_points: number;
  last_flush_error: string | null;
  /** No flush failed, or the last flush succeeded after the last failure. */
  healthy: boolean;
  /** Totals over `guard`, for a line or a panel. */
  folded: number;
  dropped: number;
  bucketed: number;
  guard: ListenerGuardRow[];
}

type Row = Record<string, SqlValue>;
const n = (v: SqlValue | undefined) => Number(v ?? 0);
const iso = (v: SqlValue | undefined) =>
  v === null || v === undefined ? null : new Date(v as string | Date).toISOString();

/** Every listener's persisted health, with its guard counts per metric (most folded first). */
export async function readListeners(q: Queryable): Promise<ListenerState[]> {
  const rows = await q.query<Row>(
    `select h.*, s.last_success_at, s.last_error_at
       from listener_health h left join sources s on s.id = h.source_id
      order by h.source_id`,
  );
  const guards = await q.query<Row>(
    `select ${GUARD_COLUMNS.join(', ')} from listener_guard order by source_id, folded desc, dropped desc, metric`,
  );
  return rows.map((r) => {
    const id = String(r.source_id);
    const guard = guards
      .filter((g) => g.source_id === id)
      .map((g) => ({
        metric: String(g.metric),
        tag_sets: n(g.tag_sets),
        folded: n(g.folded),
        dropped: n(g.dropped),
        dropped_keys: String(g.dropped_keys) ? String(g.dropped_keys).split(',') : [],
        bucketed: n(g.bucketed),
      }));
    const lastSuccess = iso(r.last_success_at);
    const lastError = iso(r.last_error_at);
    return {
      id,
      protocol: String(r.protocol),
      address: String(r.address),
      port: n(r.port),
      socket_path: (r.socket_path as string | null) ?? null,
      receive_buffer_bytes: n(r.receive_buffer_bytes),
      started_at: iso(r.started_at)!,
      updated_at: iso(r.updated_at)!,
      last_success_at: lastSuccess,
      packets: n(r.packets),
      metrics: n(r.metrics),
      events: n(r.events),
      service_checks: n(r.service_checks),
      malformed: n(r.malformed),
      recent_malformed: JSON.parse(String(r.recent_malformed)) as ListenerState['recent_malformed'],
      unnamed: n(r.unnamed),
      late_dropped: n(r.late_dropped),
      queue_dropped: n(r.queue_dropped),
      flushes: n(r.flushes),
      flushed_points: n(r.flushed_points),
      failed_points: n(r.failed_points),
      last_flush_error: (r.last_flush_error as string | null) ?? null,
      healthy: lastError === null || (lastSuccess !== null && lastSuccess > lastError),
      folded: guard.reduce((a, g) => a + g.folded, 0),
      dropped: guard.reduce((a, g) => a + g.dropped, 0),
      bucketed: guard.reduce((a, g) => a + g.bucketed, 0),
      guard,
    };
  });
}

/** GET /api/v1/listeners: each listener's health as last persisted (see readListeners). */
export function listenerRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);
  app.get('/api/v1/listeners', read, async (c) =>
    c.json({ listeners: await readListeners(readerOf(c, ctx)) }),
  );
}
