import { invalidArgument } from '../errors/errors.js';
import type { AgentConfig } from './config.js';
import { combine, type Decide } from './redact/combine.js';
import { programName } from './redact/program.js';
import { contextGate, contextRules, formatGate, formatRules } from './redact/rules.js';

/** What redaction did to one command line. */
export interface Redacted {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

export const REDACTED = '[REDACTED]';

// Compiled once per process: the built-in rules in two passes (names case-insensitive, token
// formats case-sensitive).
const contextPass = combine(contextRules, 'gi');
const formatPass = combine(formatRules, 'g');

interface Compiled {
  extra: { re: RegExp; grouped: boolean }[];
  allow: RegExp | null;
}
const compiledFor = new WeakMap<object, Compiled>();

function compile(redact: AgentConfig['redact']): Compiled {
  const hit = compiledFor.get(redact);
  if (hit) return hit;
  const build = (p: string, key: string, flags: string) => {
    try {
      return new RegExp(p, flags);
    } catch (e) {
      throw invalidArgument(
        `${key} is not a valid regular expression (${(e as Error).message}): fix or remove it in pitwall.yaml`,
        { key },
      );
    }
  };
  const extra = redact.patterns.map((p, i) => {
    const re = build(p, `agent.redact.patterns[${i}]`, 'gd');
    return { re, grouped: new RegExp(`${p}|`).exec('')!.length > 1 };
  });
  redact.allow.forEach((p, i) => build(p, `agent.redact.allow[${i}]`, ''));
  const allow = redact.allow.length ? new RegExp(redact.allow.map((p) => `(?:${p})`).join('|')) : null;
  const c = { extra, allow };
  compiledFor.set(redact, c);
  return c;
}

/**
 * Replaces secrets in a command line before it leaves the machine: the built-in rules
 * (src/agent/redact/rules.ts), then `agent.redact.patterns`; a secret an `agent.redact.allow`
 * expression matches is kept. What surrounds a secret stays, so the line still reads:
 * `curl -H 'Authorization: Bearer [REDACTED]'`, `https://me:[REDACTED]@host`.
 */
export function redactCommand(command: string, cfg: Pick<AgentConfig, 'redact'>): Redacted {
  const { extra, allow } = compile(cfg.redact);
  let text = command;
  // One module-level callback (no closure per line: this runs for every command synced).
  run.allow = allow;
  run.count = 0;
  // Most lines hold no candidate at all: a cheap test each skips a pass over them.
  if (contextGate.test(text)) text = contextPass(text, decide);
  if (formatGate(text)) text = formatPass(text, decide);
  let count = run.count;
  for (const { re, grouped } of extra) {
    text = text.replace(re, (m: string, ...args: unknown[]) => {
      const secret = grouped ? (args[0] as string | undefined) : m;
      if (!secret || secret === REDACTED || (allow && allow.test(secret))) return m;
      count++;
      if (!grouped) return REDACTED;
      const at = m.indexOf(secret);
      return m.slice(0, at) + REDACTED + m.slice(at + secret.length);
    });
  }
  return { text, count };
}

const run: { allow: RegExp | null; count: number } = { allow: null, count: 0 };
const decide: Decide = (rule, secret, pre, before) => {
  if (rule.accept && !rule.accept(secret, pre, before)) return null;
  if (run.allow?.test(unquote(secret))) return null;
  run.count++;
  return pre + REDACTED;
};

const unquote = (s: string) => s.replace(/^(['"])(.*)\1$/s, '$2');

/**
 * The privacy mode (`agent.privacy`) applied to one command line:
 * - full: as typed;
 * - redacted (default): secrets replaced (redactCommand);
 * - program: only the program's name (`sudo /usr/bin/npm test` -> `npm`), no arguments at all.
 */
export function applyPrivacy(command: string, cfg: Pick<AgentConfig, 'privacy' | 'redact'>): Redacted {
  if (cfg.privacy === 'full') return { text: command, count: 0 };
  if (cfg.privacy === 'program') return { text: programName(command), count: 0 };
  return redactCommand(command, cfg);
}

export { programName };
