import { readFileSync } from 'node:fs';
import { ProcessTree, ioChars, socketInodes, tcpInodes } from './proc-tree.js';
import {
  ssReader,
  watchDestroyed,
  type DestroyWatch,
  type TcpReader,
  type TcpSocket,
} from './tcp-counters.js';

/**
 * What `pitwall run` measured of a command's network use (Linux): bytes its process tree's TCP
 * sockets received and sent, and the time with traffic: the sum of the sampling intervals in
 * which any of those sockets moved a byte. So a 40 s `npm install` that downloads for 12 s and
 * then runs install scripts for 28 s reads network_ms ≈ 12 000.
 *
 * Error, by construction: each burst of traffic is counted in whole intervals, so the time with
 * traffic is over-counted by up to one interval per burst start and end (≤ 2 x intervalMs per
 * burst; measured on a paced 1 s download: test/agent/run-network.test.ts). Bytes are exact for
 * sockets seen at least once; a connection that opens and closes entirely between two samples
 * is not seen at all (see docs/inner-loop.md for the other limits).
 */
export interface NetworkMeasure {
  networkMs: number;
  rxBytes: number;
  txBytes: number;
  /** Samples taken, and the wall time spent taking them (latency: under load it stretches intervals). */
  samples: number;
  /** Samples that needed `ss` (the tree held a TCP socket, or one it had was still draining). */
  ssRuns: number;
  sampleCostMs: number;
  /**
   * CPU time the measuring cost, ms: this process's inside each sample (process-wide figures
   * around the synchronous parts, so a GC thread running then is counted too), plus the `ss`
   * processes it started (their CPU as children, from /proc/self/stat, read while the command
   * itself is not yet reaped so it is not included). Null where /proc/self/stat is unreadable.
   */
  cpuMs: number | null;
  /** Distinct TCP sockets seen. */
  sockets: number;
}

export interface SamplerOptions {
  intervalMs?: number;
  readTcp?: TcpReader;
  /** Follow socket destruction (`ss -E`) for the bytes after a socket's last sample; default on. */
  watchDestroy?: boolean;
  proc?: string;
  now?: () => number;
  /** The PATH `ss` and `stdbuf` are found in. */
  path?: string;
}

export const DEFAULT_INTERVAL_MS = 100;
/** How long stop() waits for the destroy events of sockets closed at the end. */
const DESTROY_WAIT_MS = 300;

/** Samples one process tree until `stop()`; `stop()` takes a last sample and returns the totals. */
export class NetworkSampler {
  private readonly tree: ProcessTree;
  private readonly intervalMs: number;
  private readonly readTcp: TcpReader;
  private readonly now: () => number;
  /** cookie -> the counters at the last sample it was seen in. */
  private readonly seen = new Map<string, { rx: number; tx: number }>();
  private lastAt: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failure: unknown = null;
  private readonly destroyed = new Set<string>();
  /** Bytes moved (reported by a destroy event) since the last sample: that interval counts. */
  private movedSinceSample = false;
  private watch: DestroyWatch | null = null;
  /** The last sample's interval and whether it counted as traffic. */
  private lastSpan = { ms: 0, counted: false };
  private endedAt: number | null = null;
  /** Cookies in the last `ss` listing, and the followed ones that left it at the last sample. */
  private lastListed = new Set<string>();
  private closing: string[] = [];
  private lastIo: number | null = null;
  /** Socket inode -> its protocol, as far as /proc/net/tcp told. */
  private readonly kind = new Map<string, 'tcp' | 'unlisted' | 'other'>();
  private readonly totals = { networkMs: 0, rxBytes: 0, txBytes: 0, samples: 0, ssRuns: 0, sampleCostMs: 0 };
  /** CPU spent inside sample() by this process (its synchronous parts: the /proc reads, the `ss` spawn, the parse). */
  private ownCpuMs = 0;
  private readonly childCpuAtStart = childrenCpuMs();
  private childCpuLive: number | null = this.childCpuAtStart;

  constructor(
    private readonly root: number,
    private readonly opts: SamplerOptions = {},
  ) {
    this.tree = new ProcessTree(root, opts.proc);
    this.intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.readTcp = opts.readTcp ?? ssReader(opts.path);
    this.now = opts.now ?? (() => performance.now());
    // The first interval runs from the spawn: a download that starts at once is counted from 0.
    this.lastAt = this.now();
  }

  start(): void {
    this.schedule(0);
  }

  private onDestroyed(s: TcpSocket): void {
    if (!this.seen.has(s.cookie)) return; // never ours, or never seen: not attributable
    this.destroyed.add(s.cookie);
    if (this.account(s)) this.movedSinceSample = true;
  }

  /**
   * Adds what a socket moved since it was last seen; true when it moved anything. The kernel's
   * counters are in sequence space: a SYN or FIN counts one byte (an idle connection opened and
   * closed reads bytes_acked 2, bytes_received 1), so a change of exactly one byte is a control
   * flag, not traffic, and is not counted (a FIN arriving with data still adds its one byte).
   */
  private account(s: TcpSocket): boolean {
    const prev = this.seen.get(s.cookie) ?? { rx: 0, tx: 0 };
    const rx = s.rxBytes - prev.rx;
    const tx = s.txBytes - prev.tx;
    if (rx > 1) this.totals.rxBytes += rx;
    if (tx > 1) this.totals.txBytes += tx;
    // Counters only grow: a listing older than a destroy event already read never lowers them.
    this.seen.set(s.cookie, { rx: Math.max(s.rxBytes, prev.rx), tx: Math.max(s.txBytes, prev.tx) });
    return rx > 1 || tx > 1;
  }

  /**
   * The TCP ones among socket inodes. /proc/net/tcp walks the kernel's whole connection hash
   * table on every read (about as costly as an `ss`), so it is read only when the tree holds a
   * socket not classified yet; a socket's protocol never changes. One not listed is called
   * "not TCP" only after two reads, since a TCP socket between socket() and connect() is in no
   * table yet.
   */
  private tcpOf(sockets: Set<string>): Set<string> {
    const fresh = new Set([...sockets].filter((i) => !this.kind.has(i) || this.kind.get(i) === 'unlisted'));
    if (fresh.size > 0) {
      const tcp = tcpInodes(fresh, 'self', this.opts.proc);
      for (const i of fresh)
        this.kind.set(i, tcp.has(i) ? 'tcp' : this.kind.get(i) === 'unlisted' ? 'other' : 'unlisted');
    }
    return new Set([...sockets].filter((i) => this.kind.get(i) === 'tcp'));
  }

  /** Fixed rate: the next sample is due one interval after this one started, not after it ended. */
  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const due = this.now() + this.intervalMs;
      this.running = this.sample().then(() => {
        this.running = null;
        this.schedule(Math.max(0, due - this.now()));
      });
    }, delay);
    this.timer.unref();
  }

  /** One sample; returns the cookies listed (live sockets), or null when `ss` failed. */
  private async sample(final = false): Promise<Set<string> | null> {
    if (this.failure) return null;
    const t0 = this.now();
    let cpu = process.cpuUsage();
    // Descriptors first, then the counters: a socket opened in between is matched next time
    // (its counters are cumulative, nothing is lost); one closed in between is still followed
    // by its cookie if it was seen before.
    // The children's CPU before the tree is read: if the command is still in /proc after it,
    // it was not reaped (only this event loop reaps it), so the figure is `ss` children only.
    const childCpu = final ? null : childrenCpuMs();
    const pids = final ? [] : this.tree.pids();
    if (childCpu !== null && pids.includes(this.root)) this.childCpuLive = childCpu;
    const inodes = final ? new Set<string>() : this.tcpOf(socketInodes(pids, this.opts.proc));
    // The tree read and wrote nothing (no read/write/send/recv of any kind) since the last
    // `ss`, and no followed socket closed: its sockets' counters cannot have moved, except for
    // bytes the kernel queued that the program has not read yet, which count once it reads
    // them. A compute-bound command holding an idle connection then costs no `ss`.
    const io = final ? null : ioChars(pids, this.opts.proc);
    const quiet = io !== null && io === this.lastIo && !this.movedSinceSample && inodes.size > 0;
    this.lastIo = io;
    // No TCP socket held and none followed: nothing can have moved, no `ss` needed. The
    // common case of a compute-bound command, which then costs only the /proc reads.
    const live = [...this.lastListed].some((c) => this.seen.has(c) && !this.destroyed.has(c));
    let sockets: TcpSocket[] = [];
    // The destroy watch starts with the first TCP socket: a command without one starts nothing.
    if (inodes.size > 0 && !this.watch && this.opts.watchDestroy !== false)
      this.watch = watchDestroyed((s) => this.onDestroyed(s), this.opts.path);
    if ((inodes.size > 0 || live) && !quiet) {
      try {
        const pending = this.readTcp();
        this.ownCpuMs += cpuMs(process.cpuUsage(cpu));
        sockets = await pending;
        cpu = process.cpuUsage();
        this.totals.ssRuns++;
      } catch (e) {
        this.failure = e;
        return null;
      }
    }
    const at = this.now();
    let moved = this.movedSinceSample;
    this.movedSinceSample = false;
    const listed = new Set<string>();
    const before = this.lastListed;
    const ranSs = (inodes.size > 0 || live) && !quiet;
    if (ranSs) this.lastListed = listed;
    for (const s of sockets) {
      listed.add(s.cookie);
      if (!this.seen.has(s.cookie) && !(s.inode !== '0' && inodes.has(s.inode))) continue;
      if (this.account(s)) moved = true;
    }
    // The last sample runs after the command exited: its interval ends at the exit.
    const end = final && this.endedAt !== null ? Math.min(at, this.endedAt) : at;
    this.lastSpan = { ms: Math.max(0, end - this.lastAt), counted: moved };
    if (moved) this.totals.networkMs += this.lastSpan.ms;
    this.lastAt = end;
    this.totals.samples++;
    this.totals.sampleCostMs += at - t0;
    // Followed sockets listed last time and gone now: closed, their destroy events due.
    if (ranSs) this.closing = [...before].filter((c) => this.seen.has(c) && !listed.has(c));
    this.ownCpuMs += cpuMs(process.cpuUsage(cpu));
    return listed;
  }

  /** Stops sampling; null when the counters could not be read (no `ss`, no sock_diag). */
  async stop(endedAt?: number): Promise<NetworkMeasure | null> {
    this.stopped = true;
    this.endedAt = endedAt ?? null;
    if (this.timer) clearTimeout(this.timer);
    if (this.running) await this.running;
    // Sockets of the tree still draining (FIN-WAIT, LAST-ACK) after it exited: their last bytes.
    const listed = await this.sample(true);
    // Sockets closed since their last sample: their final counters come as destroy events,
    // a few ms after the close; wait for them, briefly.
    if (listed && this.watch) {
      const gone = () => this.closing.filter((c) => !this.destroyed.has(c));
      for (let waited = 0; gone().length > 0 && waited < DESTROY_WAIT_MS; waited += 10)
        await new Promise((r) => setTimeout(r, 10));
      // Those bytes moved before the process exited, in the interval the last sample closed.
      if (this.movedSinceSample && !this.lastSpan.counted) this.totals.networkMs += this.lastSpan.ms;
    }
    this.watch?.stop();
    if (this.failure) return null;
    const children =
      this.childCpuLive !== null && this.childCpuAtStart !== null
        ? this.childCpuLive - this.childCpuAtStart
        : null;
    return {
      ...this.totals,
      cpuMs: children === null ? null : this.ownCpuMs + children,
      sockets: this.seen.size,
    };
  }

  /** Why the counters could not be read, when stop() returned null. */
  get error(): unknown {
    return this.failure;
  }
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** CPU of this process's reaped children (cutime + cstime of /proc/self/stat), in ms. */
function childrenCpuMs(): number | null {
  try {
    const text = readFileSync('/proc/self/stat', 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 (cutime, cstime), in clock ticks: USER_HZ is 100 on every Linux ABI.
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
  } catch {
    return null;
  }
}
