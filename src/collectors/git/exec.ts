import { spawn } from 'node:child_process';
import { PitwallError } from '../../errors/errors.js';

/**
 * Fixed settings for every git we spawn: no pager or prompts, and output that does not depend
 * on the user's config (colour, external diff drivers, signature checks).
 */
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
const BASE_ARGS = ['-c', 'color.ui=false', '-c', 'log.showSignature=false', '-c', 'core.quotepath=true'];
const STDERR_LIMIT = 8_192;

function gitFailed(args: readonly string[], code: number | null, stderr: string): PitwallError {
  return new PitwallError(
    'collector_failed',
    `git ${args[0] ?? ''} failed (exit ${code ?? 'signal'}): ${stderr.trim() || 'no message'}`,
  );
}

function spawnGit(cwd: string, args: readonly string[]) {
  const child = spawn('git', [...BASE_ARGS, ...args], {
    cwd,
    // git inherits this process's environment (PATH, HOME) like any child; no setting or
    // secret of ours is read from it.
    // eslint-disable-next-line no-restricted-properties
    env: { ...process.env, ...GIT_ENV },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += s;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new PitwallError('collector_failed', 'git is not installed or not on PATH: install git and retry')
          : e,
      ),
    );
    child.on('close', (code) => resolve(code));
  });
  // Avoid an unhandled rejection when the caller stops early; callers await `exited` themselves.
  exited.catch(() => undefined);
  return { child, exited, stderr: () => stderr };
}

/** Runs a short git command to completion and returns its stdout (for small outputs only). */
export async function gitOutput(cwd: string, args: readonly string[]): Promise<string> {
  const { child, exited, stderr } = spawnGit(cwd, args);
  child.stdin.end();
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (s: string) => (out += s));
  const code = await exited;
  if (code !== 0) throw gitFailed(args, code, stderr());
  return out;
}

/** Like gitOutput, but a non-zero exit yields null (for look-ups that may legitimately miss). */
export async function gitOutputOrNull(cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    return await gitOutput(cwd, args);
  } catch (e) {
    if (e instanceof PitwallError && e.code === 'collector_failed' && !/not installed/.test(e.message))
      return null;
    throw e;
  }
}

/**
 * Streams git's stdout line by line as it arrives: the output of `git log` on a large history
 * is hundreds of MB and is never held whole. Yields chunks of complete lines (an array per
 * stdout chunk keeps the per-line overhead of the async iteration low). Stopping early kills git.
 */
export async function* gitLineChunks(
  cwd: string,
  args: readonly string[],
  stdin?: string,
): AsyncGenerator<string[], void, void> {
  const { child, exited, stderr } = spawnGit(cwd, args);
  child.stdin.on('error', () => undefined); // git may exit before reading all of stdin
  child.stdin.end(stdin ?? '');
  child.stdout.setEncoding('utf8');
  let rest = '';
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      if (lines.length) yield lines;
    }
    if (rest) yield [rest];
    const code = await exited;
    finished = true;
    if (code !== 0) throw gitFailed(args, code, stderr());
  } finally {
    if (!finished) child.kill();
  }
}
