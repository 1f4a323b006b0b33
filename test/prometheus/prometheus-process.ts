import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One series of an instant query's vector result. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
  /** The evaluation time, Unix seconds. */
  at: number;
}

export interface PrometheusProcess {
  url: string;
  /**
   * A PromQL instant query through the HTTP API (/api/v1/query), at `time` (Unix seconds) when
   * given, else now; throws on an error answer.
   */
  query(promql: string, time?: number): Promise<Sample[]>;
  /**
   * Waits until the job's target has a completed scrape (`up == 1`) and returns its time: queries
   * at that time read that scrape, whatever later scrapes do.
   */
  waitForScrape(job: string, timeoutMs?: number): Promise<number>;
  stderr(): string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (Prometheus takes no port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Debian's real `prometheus` with a config of its own and a fresh TSDB in a temp dir, scraping
 * one target (host:port) with a bearer token read from a file, as a deployment would.
 */
export async function startPrometheus(o: {
  job: string;
  target: string;
  token?: string;
  scrapeIntervalSeconds?: number;
  scrapeTimeoutSeconds?: number;
}): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-prometheus-'));
  const interval = o.scrapeIntervalSeconds ?? 2;
  const timeout = o.scrapeTimeoutSeconds ?? interval;
  const auth = o.token
    ? `    authorization:\n      type: Bearer\n      credentials_file: ${join(dir, 'token')}\n`
    : '';
  if (o.token) writeFileSync(join(dir, 'token'), o.token, { mode: 0o600 });
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: ${interval}s\n  scrape_timeout: ${timeout}s\n` +
      `scrape_configs:\n  - job_name: ${o.job}\n    metrics_path: /metrics\n${auth}` +
      `    static_configs:\n      - targets: ['${o.target}']\n`,
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let dead = false;
  void exited.then(() => (dead = true));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (!dead) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (dead) {
      await stop();
      throw new Error(`prometheus exited before it was ready:\n${stderr}`);
    }
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 30 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const query = async (promql: string, time?: number): Promise<Sample[]> => {
    const params = new URLSearchParams({
      query: promql,
      ...(time === undefined ? {} : { time: String(time) }),
    });
    const res = await fetch(`${url}/api/v1/query?${params}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success' || body.data?.resultType !== 'vector')
      throw new Error(`query ${promql} failed: ${body.error ?? JSON.stringify(body)}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]), at: r.value[0] }));
  };

  return {
    url,
    query,
    stderr: () => stderr,
    stop,
    async waitForScrape(job, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const [up] = await query(`up{job="${job}"}`);
        if (up?.value === 1) return up.at;
        if (Date.now() > until) {
          const targets = await fetch(`${url}/api/v1/targets`).then((r) => r.text());
          throw new Error(`no completed scrape of ${job} within ${timeoutMs} ms: ${targets}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}
