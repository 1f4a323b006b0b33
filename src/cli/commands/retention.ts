import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `pitwall retention: roll up and prune raw rows past the configured age`. */
export function registerRetention(_program: Command, _ctx: CliContext): void {}
