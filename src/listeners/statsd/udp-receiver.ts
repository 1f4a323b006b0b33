/**
 * The UDP socket, read in a worker thread of its own. The listener's thread also parses,
 * aggregates, flushes into the store and (in `pitwall serve`) answers HTTP and runs enrichment;
 * any pause there used to leave datagrams in the kernel's receive buffer until it overflowed and
 * the kernel dropped them. The worker only drains the socket, packing datagrams into batches it
 * hands over every few milliseconds, so the kernel buffer stays nearly empty whatever the main
 * thread does. Batches not yet processed are bounded (QUEUE_LIMIT_BYTES); past it the worker
 * drops datagrams and counts them, so a stuck main thread costs data, not memory.
 *
 * The worker's code is plain JavaScript evaluated from this module (no loader needed, the same
 * whether Pitwall runs from its sources or from its build).
 */
import { Worker } from 'node:worker_threads';

/** Batches handed over and not yet processed, at most; beyond it datagrams are dropped and counted. */
export const QUEUE_LIMIT_BYTES = 64 << 20;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const { host, port, recvBufferSize, limit } = workerData;
const opts = { type: host.includes(':') ? 'udp6' : 'udp4' };
if (recvBufferSize) opts.recvBufferSize = recvBufferSize;
const socket = dgram.createSocket(opts);
let batch = [];
let bytes = 0;
let outstanding = 0;
let dropped = 0;
let bound = false;
const send = () => {
  if (batch.length === 0) return;
  // One buffer per batch: [u32 length][datagram]..., transferred, not copied.
  const out = new Uint8Array(bytes + 4 * batch.length);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const b of batch) {
    view.setUint32(at, b.length, true);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  outstanding += out.length;
  parentPort.postMessage({ type: 'batch', data: out, dropped }, [out.buffer]);
  dropped = 0;
  batch = [];
  bytes = 0;
};
socket.on('message', (msg) => {
  if (outstanding + bytes > limit) { dropped++; return; }
  batch.push(msg);
  bytes += msg.length;
  if (bytes >= 262144) send();
});
socket.on('error', (e) => {
  if (!bound) parentPort.postMessage({ type: 'bind-error', code: e.code || null, message: e.message });
  else parentPort.postMessage({ type: 'socket-error', message: e.message });
});
const timer = setInterval(send, 5);
socket.bind(port, host, () => {
  bound = true;
  parentPort.postMessage({ type: 'listening', port: socket.address().port, receiveBufferBytes: socket.getRecvBufferSize() });
});
parentPort.on('message', (m) => {
  if (m.type === 'ack') outstanding -= m.bytes;
  else if (m.type === 'close') {
    clearInterval(timer);
    const done = () => { send(); parentPort.postMessage({ type: 'closed' }); parentPort.close(); };
    if (bound) socket.close(done); else done();
  }
});
`;

export interface UdpReceiver {
  port: number;
  receiveBufferBytes: number;
  /** Datagrams the worker dropped because the main thread was this far behind. */
  queueDropped(): number;
  /** Stops reading; resolves once every batch received before has been handed to onPacket. */
  close(): Promise<void>;
}

export interface BindFailure {
  code: string | null;
  message: string;
}

export function startUdpReceiver(o: {
  host: string;
  port: number;
  receiveBufferBytes?: number;
  onPacket: (msg: Buffer) => void;
  onSocketError: (message: string) => void;
}): Promise<UdpReceiver> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      host: o.host,
      port: o.port,
      recvBufferSize: o.receiveBufferBytes ?? 0,
      limit: QUEUE_LIMIT_BYTES,
    },
  });
  let dropped = 0;
  let closing: Promise<void> | null = null;
  let closed: () => void = () => undefined;
  return new Promise((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'batch': {
          dropped += m.dropped;
          const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
          for (let at = 0; at < data.length;) {
            const len = data.readUInt32LE(at);
            o.onPacket(data.subarray(at + 4, at + 4 + len));
            at += 4 + len;
          }
          worker.postMessage({ type: 'ack', bytes: data.length });
          break;
        }
        case 'listening':
          resolve({
            port: m.port,
            receiveBufferBytes: m.receiveBufferBytes,
            queueDropped: () => dropped,
            close() {
              closing ??= new Promise<void>((r) => {
                closed = r;
                worker.postMessage({ type: 'close' });
              }).then(() => worker.terminate().then(() => undefined));
              return closing;
            },
          });
          break;
        case 'bind-error':
          void worker.terminate();
          reject(Object.assign(new Error(m.message), { code: m.code ?? undefined }));
          break;
        case 'socket-error':
          o.onSocketError(m.message);
          break;
        case 'closed':
          closed();
          break;
      }
    });
    // Before listening, a failure to start; after, the intake has stopped: say so in the health.
    worker.on('error', (e) => {
      reject(e);
      o.onSocketError(`receiver thread failed: ${e.message}`);
    });
  });
}

type WorkerMessage =
  | { type: 'batch'; data: Uint8Array; dropped: number }
  | { type: 'listening'; port: number; receiveBufferBytes: number }
  | { type: 'bind-error'; code: string | null; message: string }
  | { type: 'socket-error'; message: string }
  | { type: 'closed' };
