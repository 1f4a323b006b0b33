import type { Duplex } from 'node:stream';
import { PitwallError } from '../errors/errors.js';
import { toEnvelope } from './errors.js';

/**
 * Requests Node's HTTP parser refuses before any route sees them (headers or request line over
 * its limit, a malformed request, one too slow to arrive) answer with the same error envelope as
 * every other refusal, instead of Node's bare status line.
 */
export function answerClientErrors(server: NodeJS.EventEmitter): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    // Mirrors Node's own handler: nothing to answer on a socket that is gone or already answering.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, body } = toEnvelope(refusal(err));
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n` +
        `connection: close\r\n\r\n${json}`,
    );
  });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

function refusal(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): PitwallError {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // Node counts the request line into the header limit: a request line that has not ended, or
    // is most of the limit by itself, means the URL is the excess.
    const lineEnd = err.rawPacket?.indexOf('\r\n') ?? 0;
    const urlTooLong = lineEnd === -1 || lineEnd > 8192;
    return !urlTooLong
      ? new PitwallError(
          'request_header_too_large',
          'the request headers are over the server limit (16 KB): send fewer or smaller headers',
        )
      : new PitwallError(
          'uri_too_long',
          'the request URL is over the server limit (16 KB): send fewer or shorter query parameters',
        );
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new PitwallError('request_timeout', 'the request did not arrive in time: send it again');
  return new PitwallError('invalid_argument', `malformed HTTP request (${err.code ?? 'parse error'})`, {
    field: 'request',
  });
}
