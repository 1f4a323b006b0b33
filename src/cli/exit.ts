import { CommanderError } from 'commander';
import { PitwallError, isUserError } from '../errors/errors.js';

/** Exit codes: 0 ok, 1 failure, 2 bad input (arguments, config, records), 3 store unavailable or locked. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof PassThroughExit) return e.exitCode;
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof PitwallError && (e.code === 'store_locked' || e.code === 'store_unavailable')) return 3;
  if (isUserError(e)) return 2;
  return 1;
}

export function describeError(e: unknown): string {
  if (e instanceof PitwallError) return `pitwall: ${e.message}`;
  if (e instanceof Error) return `pitwall: unexpected error: ${e.stack ?? e.message}`;
  return `pitwall: unexpected error: ${String(e)}`;
}

/**
 * Thrown by a command that runs another (`pitwall run`) to exit with that command's status:
 * nothing printed, the code passed through as is.
 */
export class PassThroughExit extends Error {
  override readonly name = 'PassThroughExit';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
