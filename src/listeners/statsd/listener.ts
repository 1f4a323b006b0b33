/**
 * The StatsD/DogStatsD listener, on UDP and optionally a Unix datagram socket: packets are parsed,
 * each raw sample shown to the observers, then guarded (tag policy, cap per metric) and
 * aggregated per flush interval, and every interval the records go to the caller's `flush` (the
 * host decides where they are stored, so this layer never reaches the store). A bad packet or a
 * failing flush is counted in the health and never escapes the socket handler: a client's typo
 * must not stop everyone's metrics.
 */
import { PitwallError } from '../../errors/errors.js';
import { StatsdAggregator, type StatsdRecord } from './aggregate.js';
import { CardinalityGuard, type MetricGuardCounts, type TagPolicy } from './guard.js';
import { parsePacket, type StatsdSample } from './parse.js';
import { startUdpReceiver } from './udp-receiver.js';
import { bindUnixDgram, type UnixDgramSocket } from './unix-socket.js';

/**
 * Something that wants each raw sample before aggregation (with every tag, before any guard),
 * and adds its own records at each flush: the test-environment mapping turns provisioning
 * timings into spans this way. `observe` must not throw; what `drain` returns is flushed with
 * the interval's points.
 */
export interface SampleObserver {
  observe(sample: StatsdSample, receivedAtMs: number): void;
  drain(nowMs: number): ObservedRecord[];
}

/** An observer's record: any ingest kind but the listener's own (spans, for the provisioning mapping). */
export interface ObservedRecord {
  kind: 'span';
  [field: string]: unknown;
}

export type ListenerRecord = StatsdRecord | ObservedRecord;

export interface StatsdListenerOptions {
  /** Default 127.0.0.1: reachable from other machines only when the operator says so. */
  host?: string;
  /** Default 8125, the StatsD port; 0 picks a free one. */
  port?: number;
  /** A Unix datagram socket to listen on too (DogStatsD's `unix://` transport); default none. */
  socketPath?: string | null;
  /** SO_RCVBUF asked of the kernel for each socket (it may grant less; the health says what). */
  receiveBufferBytes?: number;
  flushIntervalSeconds?: number;
  /** See AggregatorOptions.lateHorizonSeconds; default 600. */
  lateHorizonSeconds?: number;
  /** Distinct tag sets per metric before new ones fold into `{other: "true"}`; default 1000. */
  maxTagSetsPerMetric?: number;
  /** Tag keys dropped or bucketed before the cap; default: drop branch, user, sha and pr. */
  tagPolicy?: TagPolicy;
  flush: (records: ListenerRecord[]) => Promise<void> | void;
  /**
   * Called after every flush with the health as it then is (also when there was nothing to
   * flush but packets arrived): the host persists it. Its failure is kept in the health.
   */
  onHealth?: (health: StatsdHealth) => Promise<void> | void;
  /** How many recent malformed lines the health keeps (default 10). */
  malformedSamples?: number;
  /** See SampleObserver; their records are flushed with the interval's. */
  observers?: SampleObserver[];
}

export interface MalformedSample {
  at: string;
  line: string;
  reason: string;
}

export const DEFAULT_TAG_POLICY: TagPolicy = { drop: ['branch', 'user', 'sha', 'pr'], bucket: {} };

export interface StatsdHealth {
  address: string;
  port: number;
  socketPath: string | null;
  /** SO_RCVBUF the kernel granted the UDP socket (Linux reports twice what was asked, capped). */
  receiveBufferBytes: number;
  startedAt: string;
  packets: number;
  metrics: number;
  events: number;
  serviceChecks: number;
  malformed: number;
  recentMalformed: MalformedSample[];
  /** Samples whose name was nothing after normalising (e.g. `...`). */
  unnamed: number;
  /** Samples stamped before the lateness horizon (their interval was closed), dropped. */
  lateDropped: number;
  /** Datagrams dropped because the listener fell more than 64 MiB of packets behind its socket. */
  queueDropped: number;
  /** What the cardinality guard dropped, bucketed and folded, per metric it touched. */
  guard: MetricGuardCounts[];
  flushes: number;
  flushedPoints: number;
  /** Points lost because `flush` failed, and its last error message. */
  failedPoints: number;
  lastFlushError: string | null;
  /** When a flush last handed records over, and when one last failed. */
  lastFlushAt: string | null;
  lastFlushErrorAt: string | null;
  /** The last failure to persist the health (onHealth), if any. */
  lastHealthError: string | null;
}

export interface StatsdListener {
  readonly port: number;
  health(): StatsdHealth;
  /** Flushes what is gathered now (also what the timer does); resolves with the points handed over. */
  flushNow(): Promise<number>;
  /** Stops the timer and the socket, then flushes what is left. */
  close(): Promise<void>;
}

export async function startStatsdListener(options: StatsdListenerOptions): Promise<StatsdListener> {
  const host = options.host ?? '127.0.0.1';
  const intervalSeconds = options.flushIntervalSeconds ?? 10;
  const keep = options.malformedSamples ?? 10;
  const guard = new CardinalityGuard({
    maxTagSetsPerMetric: options.maxTagSetsPerMetric ?? 1000,
    policy: options.tagPolicy ?? DEFAULT_TAG_POLICY,
  });
  const agg = new StatsdAggregator({
    intervalSeconds,
    lateHorizonSeconds: options.lateHorizonSeconds ?? 600,
    guard,
  });
  const observers = options.observers ?? [];
  const h: StatsdHealth = {
    address: host,
    port: 0,
    socketPath: options.socketPath ?? null,
    receiveBufferBytes: 0,
    startedAt: new Date().toISOString(),
    packets: 0,
    metrics: 0,
    events: 0,
    serviceChecks: 0,
    malformed: 0,
    recentMalformed: [],
    unnamed: 0,
    lateDropped: 0,
    queueDropped: 0,
    guard: [],
    flushes: 0,
    flushedPoints: 0,
    failedPoints: 0,
    lastFlushError: null,
    lastFlushAt: null,
    lastFlushErrorAt: null,
    lastHealthError: null,
  };

  const onPacket = (msg: Buffer): void => {
    try {
      h.packets++;
      const now = Date.now();
      for (const p of parsePacket(msg.toString('utf8'))) {
        if (p.kind === 'metric') {
          h.metrics++;
          for (const o of observers) o.observe(p.sample, now);
          agg.add(p.sample, now);
        } else if (p.kind === 'event') h.events++;
        else if (p.kind === 'service_check') h.serviceChecks++;
        else if (p.kind === 'malformed') {
          h.malformed++;
          h.recentMalformed.push({ at: new Date(now).toISOString(), line: p.line, reason: p.reason });
          if (h.recentMalformed.length > keep) h.recentMalformed.shift();
        }
      }
    } catch (e) {
      // parsePacket does not throw; this guards the socket against anything unforeseen.
      h.malformed++;
      h.recentMalformed.push({ at: new Date().toISOString(), line: '(packet)', reason: String(e) });
      if (h.recentMalformed.length > keep) h.recentMalformed.shift();
    }
  };

  const port = options.port ?? 8125;
  // Read in a worker thread so a busy main thread (a flush, HTTP, enrichment) never leaves
  // datagrams to overflow the kernel's buffer (udp-receiver.ts).
  const udp = await startUdpReceiver({
    host,
    port,
    receiveBufferBytes: options.receiveBufferBytes,
    onPacket,
    // A socket error after binding (rare for UDP) is kept in the health instead of crashing the host.
    onSocketError: (message) => {
      h.lastFlushError = `socket: ${message}`;
    },
  }).catch((e: NodeJS.ErrnoException) => {
    throw bindError(host, port, e);
  });
  h.port = udp.port;
  h.receiveBufferBytes = udp.receiveBufferBytes;

  let unix: UnixDgramSocket | null = null;
  if (options.socketPath) {
    try {
      unix = await bindUnixDgram(options.socketPath, onPacket, options.receiveBufferBytes);
    } catch (e) {
      await udp.close();
      throw e;
    }
  }

  const health = (): StatsdHealth => ({
    ...h,
    unnamed: agg.unnamed,
    lateDropped: agg.lateDropped,
    queueDropped: udp.queueDropped(),
    guard: guard.counts(),
    recentMalformed: [...h.recentMalformed],
  });
  let persistedAt = -1;

  // Flushes run one after another, so a slow store never sees two batches of one series at once.
  let chain: Promise<number> = Promise.resolve(0);
  const flushNow = (): Promise<number> => {
    chain = chain.then(async () => {
      const now = Date.now();
      const records: ListenerRecord[] = agg.flush(now);
      for (const o of observers) records.push(...o.drain(now));
      let flushed = 0;
      if (records.length > 0) {
        try {
          await options.flush(records);
          h.flushes++;
          h.flushedPoints += records.length;
          h.lastFlushAt = new Date().toISOString();
          flushed = records.length;
        } catch (e) {
          agg.forgetLastFlush();
          h.failedPoints += records.length;
          h.lastFlushError = e instanceof Error ? e.message : String(e);
          h.lastFlushErrorAt = new Date().toISOString();
        }
      }
      // Persisted when something happened since the last time, so an idle listener writes nothing.
      if (options.onHealth && (h.packets !== persistedAt || flushed > 0 || records.length > 0)) {
        persistedAt = h.packets;
        try {
          await options.onHealth(health());
          h.lastHealthError = null;
        } catch (e) {
          h.lastHealthError = e instanceof Error ? e.message : String(e);
        }
      }
      return flushed;
    });
    return chain;
  };
  const timer = setInterval(() => void flushNow(), intervalSeconds * 1000);
  timer.unref();

  let closed: Promise<void> | null = null;
  return {
    port: h.port,
    health,
    flushNow,
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        await udp.close();
        unix?.close();
        await flushNow();
      })();
      return closed;
    },
  };
}

/** Why the UDP port could not be bound, naming the setting and the fix (serve exits 2 with it). */
function bindError(host: string, port: number, e: NodeJS.ErrnoException): PitwallError {
  const where = `udp ${host}:${port}`;
  const fix =
    e.code === 'EADDRINUSE'
      ? `another process (often a Datadog agent or another StatsD server) has it: stop it, or set statsd.port to a free port (0 picks one)`
      : e.code === 'EACCES'
        ? `ports below 1024 need privileges: set statsd.port to 1024 or above`
        : e.code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this machine: set statsd.host to one (127.0.0.1, or 0.0.0.0 for all)`
          : `check statsd.host and statsd.port`;
  return new PitwallError(
    'invalid_config',
    `statsd.port: cannot listen on ${where} (${e.code ?? e.message}): ${fix}`,
  );
}
