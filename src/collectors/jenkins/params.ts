import { REDACTED, redactCommand } from '../../agent/redact.js';
import { namesSecret } from '../../agent/redact/rules.js';

/** One entry of a ParametersAction's `parameters` (its value's shape depends on the class). */
export interface JkParameter {
  _class?: string;
  name: string;
  value?: unknown;
}

type Value = string | number | boolean | null;

// The shell agent's built-in rules only: `agent.redact` patterns are about developers' command lines.
const BUILT_IN = { redact: { patterns: [], allow: [] } };
/** Bounds a job with hundreds of parameters or a multi-line text parameter to what a run needs. */
const MAX_PARAMETERS = 100;
const MAX_NAME = 200;
const MAX_VALUE = 1000;

/**
 * Password parameters: core's PasswordParameterValue and the plugins' variants (Mask Passwords'
 * NonStoredPasswordParameterValue, ...). Jenkins leaves their value out of the API, but a plugin
 * or an older Jenkins might not.
 */
const PASSWORD_CLASS = /Password/i;

/** A run parameter has no `value`: it names a build of another job. */
function runOf(p: JkParameter): string | null {
  const { jobName, number } = p as { jobName?: unknown; number?: unknown };
  return typeof jobName === 'string' && number !== undefined && number !== null
    ? `${jobName}#${String(number)}`
    : null;
}

function valueOf(p: JkParameter): Value {
  if (PASSWORD_CLASS.test(p._class ?? '') || namesSecret(p.name)) return REDACTED;
  const v = p.value ?? runOf(p);
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  // Strings, and the odd object (a run parameter): a token in the value is replaced wherever it is.
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  const redacted = redactCommand(text, BUILT_IN).text;
  return redacted.length > MAX_VALUE ? `${redacted.slice(0, MAX_VALUE - 1)}…` : redacted;
}

/**
 * A build's parameters as name -> value, with every secret replaced by `[REDACTED]` before it
 * leaves the collector: password parameters, names that say secret (DB_PASSWORD, API_TOKEN,
 * AWS_SECRET_ACCESS_KEY: the agent's rule for flag and variable names), and token formats or
 * credentials inside any value (the agent's command-line rules). Null when the build has none.
 */
export function buildParameters(params: readonly JkParameter[]): Record<string, Value> | null {
  // A Map: a parameter may be called `constructor` or `__proto__`.
  const out = new Map<string, Value>();
  for (const p of params) {
    if (!p.name || p.name.length > MAX_NAME) continue;
    if (!out.has(p.name) && out.size >= MAX_PARAMETERS) break;
    out.set(p.name, valueOf(p));
  }
  return out.size ? Object.fromEntries(out) : null;
}
