import { execFile, spawn } from 'node:child_process';
import { release } from 'node:os';

/**
 * The byte counters of every TCP socket of this network namespace, from the kernel's sock_diag
 * interface through iproute2's `ss` (Node has no netlink socket, and /proc/net/tcp has no byte
 * counters). One `ss` per sample, never per shell command.
 *
 * `ss -t -i -e -H -O`: TCP, with tcp_info (bytes_received, bytes_sent/bytes_acked), with the
 * socket's inode (`ino:`, 0 once no process holds it) and cookie (`sk:`, stable for the socket's
 * whole life, so a socket whose last descriptor closed is still followed while it drains), one
 * line per socket, no header. Listening and TIME-WAIT sockets are left out by `ss` itself:
 * neither carries data.
 */
export interface TcpSocket {
  /** The socket cookie: unique per socket for the life of the kernel. */
  cookie: string;
  /** The inode a process's fd points at (`socket:[inode]`), "0" when orphaned. */
  inode: string;
  /** Payload bytes received (tcpi_bytes_received): what arrived, read by the process or not yet. */
  rxBytes: number;
  /**
   * Bytes sent: tcpi_bytes_sent (payload, retransmissions included; `ss` omits it while 0), or
   * on kernels before 4.19 bytes_acked less the SYN.
   */
  txBytes: number;
}

const RECEIVED = /\bbytes_received:(\d+)/;
const SENT = /\bbytes_sent:(\d+)/;
const ACKED = /\bbytes_acked:(\d+)/;
/** tcpi_bytes_sent exists from Linux 4.19; before it, bytes_acked stands in. */
const SUPPORTS_SENT = kernelAtLeast(4, 19);

function kernelAtLeast(major: number, minor: number): boolean {
  const [a = 0, b = 0] = release()
    .split('.')
    .map((x) => parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}

export function parseSs(text: string): TcpSocket[] {
  const out: TcpSocket[] = [];
  for (const line of text.split('\n')) {
    const cookie = /\bsk:([0-9a-f]+)/.exec(line)?.[1];
    if (!cookie) continue;
    const inode = /\bino:(\d+)/.exec(line)?.[1] ?? '0';
    const num = (re: RegExp) => {
      const m = re.exec(line);
      return m ? Number(m[1]) : null;
    };
    out.push({
      cookie,
      inode,
      rxBytes: num(RECEIVED) ?? 0,
      txBytes: num(SENT) ?? (SUPPORTS_SENT ? 0 : Math.max(0, (num(ACKED) ?? 0) - 1)),
    });
  }
  return out;
}

export type TcpReader = () => Promise<TcpSocket[]>;

/** Reads the sockets through `ss`; rejects when `ss` is missing or fails (no measure then). */
/** `path`: the PATH to find `ss` in (the caller's environment). */
export function ssReader(path: string | undefined, bin = 'ss'): TcpReader {
  return () =>
    new Promise((resolve, reject) => {
      execFile(
        bin,
        ['-t', '-i', '-e', '-H', '-O'],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { LC_ALL: 'C', PATH: path } },
        (err, stdout) => (err ? reject(err) : resolve(parseSs(stdout))),
      );
    });
}

/**
 * Sockets as the kernel destroys them, with their final counters: `ss -E` subscribes to
 * sock_diag's destroy group (open to unprivileged users: the group is NL_CFG_F_NONROOT_RECV),
 * so the bytes a socket moved between its last sample and its close are not lost. `stdbuf -oL`
 * because `ss` buffers its output to a pipe. One long-lived process for the whole run.
 * Best effort: when it cannot start, the sampler works without it.
 */
export interface DestroyWatch {
  stop(): void;
}

export function watchDestroyed(
  onSocket: (s: TcpSocket) => void,
  path: string | undefined,
  bin = 'ss',
): DestroyWatch {
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn('stdbuf', ['-oL', bin, '-E', '-t', '-i', '-e', '-H', '-O'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { LC_ALL: 'C', PATH: path },
    });
  } catch {
    return { stop() {} };
  }
  child.on('error', () => {}); // no stdbuf or ss: nothing watched
  let rest = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const text = rest + chunk;
    const end = text.lastIndexOf('\n');
    rest = text.slice(end + 1);
    if (end >= 0) for (const s of parseSs(text.slice(0, end))) onSocket(s);
  });
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  return {
    stop() {
      child.kill();
    },
  };
}
