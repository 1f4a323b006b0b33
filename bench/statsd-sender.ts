/**
 * The StatsD bench's sender, a process of its own so sending never shares the listener's
 * thread: `statsd-sender.ts PORT LINES_PER_SECOND SECONDS LINES_PER_PACKET`. Packets are built
 * first (hot-shots-like lines, several per packet as its buffer packs them) and sent paced by
 * the clock; prints {lines, packets, errors, seconds} as JSON.
 */
import { createSocket } from 'node:dgram';

const [port, rate, seconds, perPacket] = process.argv.slice(2).map(Number) as [
  number,
  number,
  number,
  number,
];

const REPOS = ['mural-kraken', 'aurora', 'basalt', 'cobalt', 'delta', 'ember', 'fjord', 'garnet'];
/** What an instrumented service sends: timings, counters and gauges, tagged as hot-shots tags them. */
function line(i: number): string {
  const repo = REPOS[i % REPOS.length]!;
  const tags = `#repo:${repo},team:t${i % 5},env:ci,branch:feat-${i % 97}`;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return `testenv.provision.total_duration:${100_000 + ((i * 7919) % 500_000)}|ms|${tags}`;
    case 3:
      return `testenv.checks.duration:${(i * 31) % 90_000}|d|${tags}`;
    case 4:
    case 5:
    case 6:
      return `ci.jobs.finished:1|c|${tags}`;
    case 7:
      return `ci.queue.depth:${i % 40}|g|${tags}`;
    case 8:
      return `testenv.provision.started:1|c|#repo:${repo},ci_tests_complete:${i % 2 === 0}`;
    default:
      return `api.request.duration:${(i % 900) + 0.5}|h|@0.5|${tags}`;
  }
}

const packets: Buffer[] = [];
for (let p = 0; p < 4096; p++) {
  const lines: string[] = [];
  for (let j = 0; j < perPacket; j++) lines.push(line(p * perPacket + j));
  packets.push(Buffer.from(lines.join('\n')));
}

const socket = createSocket('udp4');
socket.connect(port, '127.0.0.1', () => {
  const packetsPerSecond = rate / perPacket;
  const total = Math.round(packetsPerSecond * seconds);
  const t0 = performance.now();
  let sent = 0;
  let errors = 0;
  let done = 0;
  const onSent = (e: Error | null) => {
    if (e) errors++;
    if (++done === total) finish();
  };
  const finish = () => {
    const elapsed = (performance.now() - t0) / 1000;
    socket.close();
    process.stdout.write(
      `${JSON.stringify({ lines: sent * perPacket, packets: sent, errors, seconds: elapsed })}\n`,
    );
  };
  // Paced by the clock: each turn sends what is due by now, then yields for the send callbacks.
  const pump = () => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * packetsPerSecond));
    while (sent < due) socket.send(packets[sent++ % packets.length]!, onSent);
    if (sent < total) setImmediate(pump);
  };
  pump();
});
