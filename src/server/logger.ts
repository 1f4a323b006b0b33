import { pino, type Logger } from 'pino';

/** Structured logs; tokens, secrets and record bodies are never passed to it (and redacted if they are). */
export function createLogger(level = process.env.PITWALL_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'pitwall' },
    redact: ['req.headers.authorization', 'authorization', 'token', 'secret', '*.token', '*.secret'],
  });
}
