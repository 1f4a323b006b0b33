/**
 * The StatsD/DogStatsD UDP listener: packets are parsed, aggregated per flush interval, and every
 * interval the records go to the caller's `flush` (the host decides where they are stored, so
 * this layer never reaches the store). A bad packet or a failing flush is counted in the health
 * and never escapes the socket handler: a client's typo must not stop everyone's metrics.
 */
import { createSocket, type Socket } from 'node:dgram';
import { StatsdAggregator, type StatsdRecord } from './aggregate.js';
import { parsePacket, type StatsdSample } from './parse.js';

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
  flushIntervalSeconds?: number;
  flush: (records: ListenerRecord[]) => Promise<void> | void;
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

export interface StatsdHealth {
  address: string;
  port: number;
  packets: number;
  metrics: number;
  events: number;
  serviceChecks: number;
  malformed: number;
  recentMalformed: MalformedSample[];
  /** Samples whose name was nothing after normalising (e.g. `...`). */
  unnamed: number;
  flushes: number;
  flushedPoints: number;
  /** Points lost because `flush` failed, and its last error message. */
  failedPoints: number;
  lastFlushError: string | null;
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
  const agg = new StatsdAggregator({ intervalSeconds });
  const observers = options.observers ?? [];
  const h: StatsdHealth = {
    address: host,
    port: 0,
    packets: 0,
    metrics: 0,
    events: 0,
    serviceChecks: 0,
    malformed: 0,
    recentMalformed: [],
    unnamed: 0,
    flushes: 0,
    flushedPoints: 0,
    failedPoints: 0,
    lastFlushError: null,
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

  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', onPacket);
  // A socket error after binding (rare for UDP) is kept in the health instead of crashing the host.
  socket.on('error', (e) => {
    h.lastFlushError = `socket: ${e.message}`;
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) =>
      reject(new Error(`statsd listener could not bind ${host}:${options.port ?? 8125}: ${e.message}`));
    socket.once('error', fail);
    socket.bind(options.port ?? 8125, host, () => {
      socket.off('error', fail);
      resolve();
    });
  });
  h.port = socket.address().port;

  // Flushes run one after another, so a slow store never sees two batches of one series at once.
  let chain: Promise<number> = Promise.resolve(0);
  const flushNow = (): Promise<number> => {
    chain = chain.then(async () => {
      const records: ListenerRecord[] = agg.flush();
      for (const o of observers) records.push(...o.drain(Date.now()));
      if (records.length === 0) return 0;
      try {
        await options.flush(records);
        h.flushes++;
        h.flushedPoints += records.length;
        return records.length;
      } catch (e) {
        h.failedPoints += records.length;
        h.lastFlushError = e instanceof Error ? e.message : String(e);
        return 0;
      }
    });
    return chain;
  };
  const timer = setInterval(() => void flushNow(), intervalSeconds * 1000);
  timer.unref();

  let closed: Promise<void> | null = null;
  return {
    port: h.port,
    health: () => ({ ...h, unnamed: agg.unnamed, recentMalformed: [...h.recentMalformed] }),
    flushNow,
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        await new Promise<void>((resolve) => socket.close(() => resolve()));
        await flushNow();
      })();
      return closed;
    },
  };
}
