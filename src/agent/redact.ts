import type { AgentConfig } from './config.js';

/** What redaction did to one command line. */
export interface Redacted {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

export const REDACTED = '[REDACTED]';

/**
 * Replaces secrets in a command line before it leaves the machine. A first cut (the GitHub
 * token formats); the full rule set and its measurement follow.
 */
export function redactCommand(command: string, cfg: Pick<AgentConfig, 'redact'>): Redacted {
  let count = 0;
  const allow = cfg.redact.allow.map((p) => new RegExp(p));
  const patterns = [
    /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g,
    ...cfg.redact.patterns.map((p) => new RegExp(p, 'g')),
  ];
  let text = command;
  for (const re of patterns)
    text = text.replace(re, (m) => {
      if (allow.some((a) => a.test(m))) return m;
      count++;
      return REDACTED;
    });
  return { text, count };
}
