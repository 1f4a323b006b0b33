/**
 * Errors carry a stable code and know nothing of HTTP or exit codes; presenters map them
 * (cli/exit.ts for the CLI). `details` is structured data a caller can act on.
 */
export type ErrorCode =
  | 'invalid_argument'
  | 'invalid_config'
  | 'invalid_records'
  | 'not_found'
  | 'store_locked'
  | 'store_unavailable'
  | 'collector_failed'
  /** `pitwall tests run`: failing tests that no quarantine excuses (exit 1, like the runner). */
  | 'tests_failed'
  /** The server: no valid credentials, credentials without the scope, a body over the limit. */
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  /** Refused by the HTTP parser before any route: a request line or headers over Node's limit. */
  | 'uri_too_long'
  | 'request_header_too_large'
  | 'request_timeout'
  /** A method the path does not serve (the answer's Allow header names the ones it does). */
  | 'method_not_allowed'
  /** The server is stopping: it finishes the requests it has and takes no new ones. */
  | 'shutting_down'
  /** A read ran past its time limit (server.read_timeout_ms) and was cancelled. */
  | 'query_timeout'
  /** A read was cancelled because its caller went away. */
  | 'query_cancelled'
  | 'internal';

export class PitwallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PitwallError';
  }
}

/** A bad value from a user: the message names what is wrong and how to fix it. */
export const invalidArgument = (message: string, details?: unknown) =>
  new PitwallError('invalid_argument', message, details);

export const isUserError = (e: unknown): e is PitwallError =>
  e instanceof PitwallError &&
  ['invalid_argument', 'invalid_config', 'invalid_records', 'not_found', 'store_locked'].includes(e.code);
