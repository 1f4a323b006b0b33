/**
 * The Unix datagram socket (DogStatsD's `unix://` transport, `statsd.socket_path`). Node's dgram
 * has no AF_UNIX, so this goes through node-unix-socket, which ships prebuilt binaries (nothing
 * is compiled at install). It is not in package.json: its binaries for some platforms are not on
 * every registry, so it cannot be locked for all; users who want the socket add it (the message
 * below says how). Where it cannot load, a configured socket fails at start with the setting
 * named, and UDP alone is unaffected.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PitwallError } from '../../errors/errors.js';

/** The part of node-unix-socket's DgramSocket used here (declared so the build needs no types of it). */
interface NativeDgramSocket {
  on(event: 'data', fn: (data: Buffer) => void): void;
  on(event: 'error', fn: (e: Error) => void): void;
  bind(path: string): void;
  sendTo(buf: Buffer, offset: number, length: number, path: string, cb?: (e?: Error) => void): void;
  setRecvBufferSize(size: number): void;
  getRecvBufferSize(): number;
  close(): void;
}

export interface UnixDgramSocket {
  readonly path: string;
  readonly receiveBufferBytes: number;
  close(): void;
}

type DgramCtor = new () => NativeDgramSocket;

/** node-unix-socket's DgramSocket, or the reason it cannot be had on this machine. */
export function loadDgramSocket(): DgramCtor | Error {
  try {
    const mod = createRequire(import.meta.url)('node-unix-socket') as { DgramSocket: DgramCtor };
    return mod.DgramSocket;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

const setting = (path: string) => `statsd.socket_path ${JSON.stringify(path)}`;

/** A socket file left by a process that is gone refuses a datagram; one in use takes it. */
function inUse(Dgram: DgramCtor, path: string): Promise<boolean> {
  const probe = new Dgram();
  return new Promise((resolve) => {
    try {
      probe.sendTo(Buffer.alloc(0), 0, 0, path, (e) => {
        probe.close();
        resolve(!e);
      });
    } catch {
      probe.close();
      resolve(false);
    }
  });
}

export async function bindUnixDgram(
  path: string,
  onPacket: (msg: Buffer) => void,
  receiveBufferBytes?: number,
): Promise<UnixDgramSocket> {
  const Dgram = loadDgramSocket();
  if (Dgram instanceof Error)
    throw new PitwallError(
      'invalid_config',
      `${setting(path)} is set, but Unix datagram sockets need the optional package node-unix-socket, which did not load (${Dgram.message.split('\n')[0]}): install it (npm install node-unix-socket), or set statsd.socket_path: null and send over UDP`,
    );
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isSocket())
    throw new PitwallError(
      'invalid_config',
      `${setting(path)} exists and is not a socket: choose another path or remove that file`,
    );
  if (stat) {
    if (await inUse(Dgram, path))
      throw new PitwallError(
        'invalid_config',
        `${setting(path)}: another process is listening there (a Datadog agent or another pitwall serve?): stop it, or choose another path`,
      );
    // A stale file from a listener that did not close: binding needs the path free.
    unlinkSync(path);
  }
  const s = new Dgram();
  s.on('data', onPacket);
  // An error after binding is not fatal to the listener; UDP goes on.
  s.on('error', () => undefined);
  try {
    s.bind(path);
  } catch (e) {
    s.close();
    throw new PitwallError(
      'invalid_config',
      `${setting(path)}: cannot bind (${e instanceof Error ? e.message : String(e)}): check that its directory exists and is writable, or choose another path`,
    );
  }
  if (receiveBufferBytes) {
    try {
      s.setRecvBufferSize(receiveBufferBytes);
    } catch {
      // The kernel's limit stands; the health reports what was granted.
    }
  }
  let closed = false;
  return {
    path,
    receiveBufferBytes: s.getRecvBufferSize(),
    close() {
      if (closed) return;
      closed = true;
      s.close();
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}
