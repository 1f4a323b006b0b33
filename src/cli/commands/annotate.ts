import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `pitwall annotate: mark a dated change for impact analysis`. */
export function registerAnnotate(_program: Command, _ctx: CliContext): void {}
