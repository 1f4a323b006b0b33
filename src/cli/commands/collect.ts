import type { Command } from 'commander';

/**
 * `pitwall collect <source>`: the parent every collector command attaches to. Idempotent, so
 * each collector's file (collect-git.ts, collect-github.ts, ...) can call it in any order.
 */
export function collectCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'collect') ??
    program.command('collect').description('read a source (git, ...) into the store; incremental')
  );
}
