import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingest } from '../src/ingest/ingest.js';
import { startStatsdListener } from '../src/listeners/statsd/listener.js';
import { openStore } from '../src/store/open.js';
import { fmt, type BenchResult } from './harness.js';

/**
 * The StatsD listener on 127.0.0.1 under rising rates, fed by a sender in a child process (so
 * sender and listener never share a thread): each step sends LINES/s for a few seconds, several
 * lines per packet as hot-shots' buffer packs them. Loss is read two ways: the kernel's UDP
 * counters (/proc/net/snmp RcvbufErrors and InErrors: datagrams dropped because the socket's
 * buffer was full) and the listener's own count of lines against what was sent. The listener is
 * the real one (parse, guard, aggregate, flush every 10 s into DuckDB through ingest, as serve
 * runs it; its socket is read in a worker thread, see udp-receiver.ts). Baseline, in the same run and at the same rates: a bare socket with the same receive
 * buffer that only counts packets, i.e. what Node on this machine can receive at all.
 *
 *   BENCH_STATSD_RATES=25000,50000,... BENCH_STATSD_SECONDS=3 BENCH_STATSD_LINES_PER_PACKET=20
 */
const SENDER = fileURLToPath(new URL('./statsd-sender.ts', import.meta.url));
const RECEIVE_BUFFER = 8 << 20;

interface Udp {
  rcvbuf: number;
  inErrors: number;
}
function udpCounters(): Udp {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp: '));
  const [head, values] = lines.map((l) => l.split(/\s+/).slice(1));
  const get = (k: string) => Number(values![head!.indexOf(k)]);
  return { rcvbuf: get('RcvbufErrors'), inErrors: get('InErrors') };
}

interface Sent {
  lines: number;
  packets: number;
  errors: number;
  seconds: number;
}
function send(port: number, rate: number, seconds: number, perPacket: number): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SENDER, ...[port, rate, seconds, perPacket].map(String)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Sent) : reject(new Error(`sender exited ${code}`)),
    );
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Step {
  rate: number;
  sentPerSecond: number;
  receivedPerSecond: number;
  /** Datagrams the kernel dropped (RcvbufErrors + InErrors delta), and in lines. */
  kernelDrops: number;
  lostLines: number;
  /** Datagrams the listener's receiver dropped because its main thread fell too far behind. */
  queueDrops: number;
  cpuMicrosPerLine: number;
}

/** One step against a receiver that reports how many lines it has taken so far. */
async function step(
  port: number,
  received: () => number,
  queueDropped: () => number,
  rate: number,
  seconds: number,
  perPacket: number,
): Promise<Step> {
  const before = udpCounters();
  const got0 = received();
  const q0 = queueDropped();
  const cpu0 = process.cpuUsage();
  const sent = await send(port, rate, seconds, perPacket);
  // What the socket holds is still being read: give it a moment before counting.
  let last = -1;
  for (let i = 0; i < 100 && received() !== last; i++) {
    last = received();
    await sleep(50);
  }
  const cpu = process.cpuUsage(cpu0);
  const after = udpCounters();
  const got = received() - got0;
  const drops = after.rcvbuf - before.rcvbuf + (after.inErrors - before.inErrors);
  return {
    rate,
    sentPerSecond: sent.lines / sent.seconds,
    receivedPerSecond: got / sent.seconds,
    kernelDrops: drops,
    lostLines: sent.lines - got,
    queueDrops: queueDropped() - q0,
    cpuMicrosPerLine: (cpu.user + cpu.system) / Math.max(1, got),
  };
}

export async function statsdBench(): Promise<BenchResult> {
  const rates = (process.env.BENCH_STATSD_RATES ?? '25000,50000,100000,200000,300000,400000')
    .split(',')
    .map(Number);
  const seconds = Number(process.env.BENCH_STATSD_SECONDS ?? 3);
  const perPacket = Number(process.env.BENCH_STATSD_LINES_PER_PACKET ?? 20);
  const lines: string[] = [];
  if (!readFileSync('/proc/net/snmp', 'utf8').includes('RcvbufErrors'))
    return { name: 'statsd', lines: ['needs Linux /proc/net/snmp for the kernel UDP counters'] };

  // Baseline: a bare socket that only counts packets (each carries perPacket lines).
  const bare: Socket = createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER });
  let packets = 0;
  bare.on('message', () => void packets++);
  await new Promise<void>((r) => bare.bind(0, '127.0.0.1', () => r()));

  const dir = mkdtempSync(join(tmpdir(), 'pitwall-bench-statsd-'));
  const store = await openStore({ duckdbPath: join(dir, 'b.duckdb') });
  let flushMs = 0;
  let flushes = 0;
  const listener = await startStatsdListener({
    port: 0,
    receiveBufferBytes: RECEIVE_BUFFER,
    flushIntervalSeconds: 10,
    flush: async (records) => {
      const t0 = performance.now();
      await ingest(store, records);
      flushMs = Math.max(flushMs, performance.now() - t0);
      flushes++;
    },
  });
  try {
    const granted = listener.health().receiveBufferBytes;
    lines.push(
      `receive buffer: asked ${RECEIVE_BUFFER} bytes, kernel granted ${granted} (listener) and ${bare.getRecvBufferSize()} (baseline); net.core.rmem_max ${readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()}`,
      `${perPacket} lines per packet, ${seconds} s per step; sender in a child process`,
      '',
      '| lines/s asked | sent/s | baseline recv/s | baseline kernel drops | listener recv/s | listener kernel drops | listener lost lines | listener queue drops | listener CPU µs/line | listener/baseline |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    const results: { base: Step; real: Step }[] = [];
    for (const rate of rates) {
      const base = await step(
        bare.address().port,
        () => packets * perPacket,
        () => 0,
        rate,
        seconds,
        perPacket,
      );
      const real = await step(
        listener.port,
        () => listener.health().metrics,
        () => listener.health().queueDropped,
        rate,
        seconds,
        perPacket,
      );
      results.push({ base, real });
      lines.push(
        `| ${rate} | ${fmt(real.sentPerSecond, 0)} | ${fmt(base.receivedPerSecond, 0)} | ${base.kernelDrops} | ${fmt(real.receivedPerSecond, 0)} | ${real.kernelDrops} | ${real.lostLines} | ${real.queueDrops} | ${fmt(real.cpuMicrosPerLine, 2)} | ${fmt(real.receivedPerSecond / base.receivedPerSecond, 3)} |`,
      );
    }
    const lossless = (s: Step) => s.kernelDrops === 0 && s.lostLines === 0;
    const best = (pick: (r: { base: Step; real: Step }) => Step) =>
      results
        .map(pick)
        .filter(lossless)
        .reduce((m, s) => Math.max(m, s.rate), 0);
    const firstLoss = (pick: (r: { base: Step; real: Step }) => Step) =>
      results.map(pick).find((s) => !lossless(s))?.rate ?? null;
    const bestReal = best((r) => r.real);
    const bestBase = best((r) => r.base);
    lines.push(
      '',
      `listener: zero loss up to ${bestReal} lines/s of those tried; loss begins at ${firstLoss((r) => r.real) ?? `none up to ${rates[rates.length - 1]}`} lines/s`,
      `baseline (bare socket): zero loss up to ${bestBase} lines/s; loss begins at ${firstLoss((r) => r.base) ?? `none up to ${rates[rates.length - 1]}`} lines/s`,
      `ratio listener/baseline of the highest zero-loss rate: ${bestBase ? fmt(bestReal / bestBase, 2) : 'n/a'}`,
      `goal >= 100000 lines/s with zero loss: ${bestReal >= 100_000 ? 'met' : 'NOT met'}`,
      `flushes into DuckDB during the run: ${flushes}, the longest ${fmt(flushMs, 0)} ms (the socket is read meanwhile by the receiver's worker thread)`,
      'lost lines = sent minus counted within 5 s of the step; where neither the kernel nor the queue dropped any, the listener was still working through its backlog (CPU-bound) when the step was counted',
    );
  } finally {
    bare.close();
    await listener.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'statsd', lines };
}
