import { spawn } from 'node:child_process';
import { runForeground } from '../src/agent/run-command.js';
import { NetworkSampler, type NetworkMeasure } from '../src/agent/run-measure.js';
import { fmt, type BenchResult } from './harness.js';

/**
 * `pitwall run`'s measure, side by side in one run (Linux):
 *
 * - accuracy: a paced HTTP server (a child process, so the sampler's /proc reads cannot delay
 *   its timers) sends 2 MB in 20 chunks over T ms; `node -e fetch(...)` downloads it under the
 *   sampler; network_ms against the paced time, bytes against 2 MB;
 * - overhead: a fixed CPU workload (sha256 rounds) run bare and under the sampler, alternately,
 *   as a ratio of wall times; and the sampler's CPU per sample, for a tree without TCP sockets
 *   (only /proc reads) and one holding an idle TCP connection (an `ss` per sample, the worst case).
 */
const SERVER = `
const http = require('node:http'), net = require('node:net');
const total = 2e6, chunks = 20;
const s = http.createServer((req, res) => {
  const ms = Number(new URL(req.url, 'http://x').searchParams.get('ms'));
  res.writeHead(200, { 'content-length': total, connection: 'close' });
  let i = 0;
  const send = () => { res.write(Buffer.alloc(total / chunks, 97)); if (++i === chunks) res.end(); else setTimeout(send, ms / (chunks - 1)); };
  send();
});
const idle = net.createServer(() => {});
s.listen(0, '127.0.0.1', () => idle.listen(0, '127.0.0.1', () => console.log(s.address().port, idle.address().port)));
`;

const WORK = (rounds: number) =>
  `const c = require('node:crypto'); const b = Buffer.alloc(1 << 16); for (let i = 0; i < ${rounds}; i++) c.createHash('sha256').update(b).digest();`;

async function measured(
  argv: string[],
  intervalMs: number,
): Promise<{ ms: number; net: NetworkMeasure | null }> {
  let sampler: NetworkSampler | null = null;
  const ran = await runForeground(argv, {
    cwd: process.cwd(),
    env: process.env,
    err: (t) => process.stderr.write(t),
    onSpawn: (child) => {
      if (intervalMs > 0) {
        sampler = new NetworkSampler(child.pid!, { intervalMs, path: process.env.PATH });
        sampler.start();
      }
    },
  });
  const s = sampler as NetworkSampler | null;
  return { ms: ran.durationMs, net: s ? await s.stop(ran.endedAt) : null };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

export async function runNetworkBench(): Promise<BenchResult> {
  const lines: string[] = [];
  if (process.platform !== 'linux') return { name: 'run-network', lines: ['skipped: Linux only'] };
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port, idlePort] = await new Promise<number[]>((resolve) =>
    server.stdout!.once('data', (d: Buffer) => resolve(String(d).trim().split(' ').map(Number))),
  );
  try {
    lines.push('accuracy: 2 MB paced over T ms, downloaded by node fetch');
    lines.push('interval   T ms   network_ms (3 runs)        error vs T (median)   rx bytes');
    for (const intervalMs of [50, 100]) {
      for (const pace of [500, 1000, 2000]) {
        const got: NetworkMeasure[] = [];
        for (let i = 0; i < 3; i++) {
          const script = `fetch('http://127.0.0.1:${port}/?ms=${pace}').then(r => r.arrayBuffer())`;
          const { net } = await measured([process.execPath, '-e', script], intervalMs);
          if (net) got.push(net);
        }
        const ms = got.map((n) => n.networkMs);
        lines.push(
          `${String(intervalMs).padStart(5)} ms ${String(pace).padStart(6)}   ${ms.map((m) => fmt(m, 0).padStart(6)).join(' ')}` +
            `        ${(median(ms) - pace >= 0 ? '+' : '') + fmt(median(ms) - pace, 0)} ms (${fmt(((median(ms) - pace) / pace) * 100, 0)}%)` +
            `       ${got.map((n) => n.rxBytes).join(',')}`,
        );
      }
    }

    lines.push(
      '',
      'overhead: a fixed CPU workload (~2 s), bare against under the sampler, 5 rounds alternately',
    );
    const rounds = 20_000;
    for (const [label, argv] of [
      ['compute, no TCP socket', [process.execPath, '-e', WORK(rounds)]],
      [
        'compute holding an idle TCP socket',
        [
          process.execPath,
          '-e',
          `const s = require('node:net').connect(${idlePort}, '127.0.0.1', () => { ${WORK(rounds)}; s.destroy(); })`,
        ],
      ],
    ] as const) {
      for (const intervalMs of [50, 100]) {
        const bare: number[] = [];
        const sampled: number[] = [];
        const cpuPerSample: number[] = [];
        const ssShare: number[] = [];
        for (let i = 0; i < 5; i++) {
          bare.push((await measured([...argv], 0)).ms);
          const m = await measured([...argv], intervalMs);
          sampled.push(m.ms);
          if (m.net?.cpuMs != null) cpuPerSample.push(m.net.cpuMs / m.net.samples);
          if (m.net) ssShare.push(m.net.ssRuns / m.net.samples);
        }
        const cps = median(cpuPerSample);
        lines.push(
          `${label.padEnd(36)} ${intervalMs} ms: wall ${fmt(median(bare), 0)} -> ${fmt(median(sampled), 0)} ms ` +
            `(ratio ${fmt(median(sampled) / median(bare), 3)}); sampler CPU ${fmt(cps, 2)} ms/sample = ` +
            `${fmt((cps / intervalMs) * 100, 1)}% of a core; ss in ${fmt(median(ssShare) * 100, 0)}% of samples`,
        );
      }
    }
  } finally {
    server.kill();
  }
  return { name: 'run-network', lines };
}
