import { runCli } from '../../src/cli/program.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process with its own cwd and environment, capturing both streams. */
export async function cli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    interactive: false,
  });
  return { code, stdout, stderr };
}
