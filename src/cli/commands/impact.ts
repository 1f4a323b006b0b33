import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `pitwall impact: before/after comparison of a metric`. */
export function registerImpact(_program: Command, _ctx: CliContext): void {}
