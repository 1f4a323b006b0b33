import { spawn, type IPty } from '@lydell/node-pty';

/**
 * A real interactive shell on a pseudo-terminal. Each shell's start-up file (written by the
 * test) shows a prompt `PW<n>> ` whose n counts fresh prompts (not repaints), so a step can wait
 * for the prompt that follows it.
 */
export class PtyShell {
  readonly pty: IPty;
  out = '';
  private seen = 0;
  private waiters: (() => void)[] = [];

  constructor(cmd: string, args: string[], env: Record<string, string>, cwd: string) {
    this.pty = spawn(cmd, args, { name: 'xterm', cols: 200, rows: 50, cwd, env });
    this.pty.onData((d) => {
      this.out += d;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  /** The highest prompt number shown so far. */
  prompt(): number {
    let n = 0;
    for (const m of this.out.matchAll(/PW(\d+)> /g)) n = Math.max(n, Number(m[1]));
    return n;
  }

  /** Waits for a prompt numbered above the last one waited for. */
  async nextPrompt(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.prompt() <= this.seen) {
      if (Date.now() > deadline)
        throw new Error(
          `no prompt after PW${this.seen}> within ${timeoutMs} ms; output:\n${JSON.stringify(this.out.slice(-2000))}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.seen = this.prompt();
  }

  /** Types a command line and waits for the prompt after it. */
  async run(line: string): Promise<void> {
    this.pty.write(`${line}\r`);
    await this.nextPrompt();
  }

  /** Pastes text (bracketed paste: tabs and newlines go in literally) and presses Enter. */
  async paste(text: string): Promise<void> {
    this.pty.write(`\x1b[200~${text}\x1b[201~`);
    await new Promise((r) => setTimeout(r, 200));
    await this.run('');
  }

  /** Sends keys that may or may not bring a new prompt; waits for the shell to settle. */
  async keys(k: string, settleMs = 600): Promise<void> {
    this.pty.write(k);
    await new Promise((r) => setTimeout(r, settleMs));
    this.seen = this.prompt();
  }

  async exit(): Promise<void> {
    const done = new Promise<void>((r) => this.pty.onExit(() => r()));
    this.pty.write('exit\r');
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    try {
      this.pty.kill();
    } catch {
      // already gone
    }
  }
}
