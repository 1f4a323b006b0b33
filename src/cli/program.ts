import { Command } from 'commander';
import type { CliContext } from './context.js';
import { PassThroughExit, describeError, exitCodeFor } from './exit.js';
import { commands } from './commands.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('pitwall')
    .description('Engineering telemetry: DORA, PR flow, CI and test health, developer experience')
    .option('-c, --config <file>', 'config file (default ./pitwall.yaml, or PITWALL_CONFIG)')
    .showHelpAfterError('(run with --help for usage)')
    // `dora --from X` and `dora explain --from X` both exist: an option belongs to the command it follows.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  for (const register of commands) register(program, ctx);
  for (const c of program.commands)
    c.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  return program;
}

/** Runs the CLI and returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    const code = exitCodeFor(e);
    // Commander has already printed its own usage errors.
    if (!(e instanceof Error && e.name === 'CommanderError') && !(e instanceof PassThroughExit))
      ctx.err(describeError(e) + '\n');
    return code;
  }
}
