import type { Command } from 'commander';
import type { CliContext } from './context.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Every CLI command, one file each under src/cli/commands/. */
export const commands: RegisterCommand[] = [];
