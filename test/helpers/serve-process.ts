import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** The URL from the banner, e.g. http://127.0.0.1:41234. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Runs the CLI as a child process (tsx over the sources), capturing both streams. */
export function spawnCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
  // bin/pitwall.js registers tsx itself, so the child may run in any directory.
  const child = spawn(process.execPath, [`${ROOT}/bin/pitwall.js`, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** A real `pitwall serve` on 127.0.0.1 and a free port, once its banner is printed. */
export async function startServe(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ServeProcess> {
  const p = spawnCli(['serve', '--host', '127.0.0.1', '--port', '0', ...args], opts);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      p.child.kill('SIGKILL');
      reject(new Error(`pitwall serve printed no banner:\n${p.stderr()}`));
    }, opts.timeoutMs ?? 60_000);
    const poll = setInterval(() => {
      const m = /Pitwall on (http:\/\/\S+) /.exec(p.stderr());
      if (!m) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve(m[1]!);
    }, 50);
    void p.exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`pitwall serve exited ${code} before its banner:\n${p.stderr()}`));
    });
  });
  return { ...p, url };
}
