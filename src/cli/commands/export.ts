import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `pitwall export <target>: parquet (and later datadog)`. */
export function registerExport(_program: Command, _ctx: CliContext): void {}
