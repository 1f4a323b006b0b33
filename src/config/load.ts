import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PitwallError } from '../errors/errors.js';
import { composeConfigSchema } from './compose.js';
import type { Config } from './schema.js';
import { NO_CONTRIBUTIONS, type ConfigContributions } from './sections.js';

export interface LoadOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Explicit config file; otherwise PITWALL_CONFIG, otherwise ./pitwall.yaml when present. */
  path?: string;
  /**
   * The plug-ins' sections and scheduled collectors. Every entry point loads through
   * src/plugins.ts, which passes the registries' contributions; left out, only the core
   * sections are known (a `github:` section or a `collectors:` job is then refused).
   */
  contributions?: ConfigContributions;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Reads pitwall.yaml, overlays the environment (PITWALL_DB, DATABASE_URL, PITWALL_DUCKDB_MEMORY,
 * PITWALL_DUCKDB_LOAD_MEMORY), validates once and freezes. A bad value names the key and the fix.
 */
export function loadConfig(opts: LoadOptions = {}): Config {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const explicit = opts.path ?? env.PITWALL_CONFIG;
  const file = resolve(cwd, explicit ?? 'pitwall.yaml');
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      raw = (parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>) ?? {};
    } catch (e) {
      throw new PitwallError('invalid_config', `${file} is not valid YAML: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || Array.isArray(raw))
      throw new PitwallError(
        'invalid_config',
        `${file} must hold a mapping of settings (store:, git:, dora:, ...)`,
      );
  } else if (explicit) {
    throw new PitwallError(
      'invalid_config',
      `config file ${file} does not exist: fix PITWALL_CONFIG or --config`,
    );
  }
  const store = { ...((raw.store as Record<string, unknown>) ?? {}) };
  if (env.PITWALL_DB) store.duckdb_path = env.PITWALL_DB;
  if (env.DATABASE_URL) store.database_url = env.DATABASE_URL;
  if (env.PITWALL_DUCKDB_MEMORY) store.duckdb_memory_limit = env.PITWALL_DUCKDB_MEMORY;
  if (env.PITWALL_DUCKDB_LOAD_MEMORY) store.duckdb_load_memory_limit = env.PITWALL_DUCKDB_LOAD_MEMORY;
  if (store.duckdb_path && !store.database_url) store.duckdb_path = resolve(cwd, String(store.duckdb_path));
  const contributions = opts.contributions ?? NO_CONTRIBUTIONS;
  const sections: Record<string, unknown> = {};
  // Secrets belong in the environment, not in a file that gets committed: a section names the
  // variables that override its keys.
  for (const s of contributions.sections) {
    const overrides = Object.entries(s.env ?? {}).filter(([name]) => env[name]);
    if (!overrides.length) continue;
    const section = { ...((raw[s.key] as Record<string, unknown>) ?? {}) };
    for (const [name, key] of overrides) section[key] = env[name];
    sections[s.key] = section;
  }
  const parsed = composeConfigSchema(contributions).safeParse({ ...raw, ...sections, store });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    // An unknown key is reported on its parent: name the key itself.
    const key = [...i.path, ...(i.code === 'unrecognized_keys' ? i.keys.slice(0, 1) : [])].join('.');
    throw new PitwallError(
      'invalid_config',
      `config key "${key}": ${i.message} (in ${existsSync(file) ? file : 'the environment'}; fix or remove it)`,
      { issues: parsed.error.issues.map((x) => ({ key: x.path.join('.'), reason: x.message })) },
    );
  }
  for (const p of parsed.data.git.hotfix_patterns) {
    try {
      new RegExp(p, 'i');
    } catch {
      throw new PitwallError(
        'invalid_config',
        `config key "git.hotfix_patterns": ${JSON.stringify(p)} is not a valid regular expression`,
      );
    }
  }
  return deepFreeze(parsed.data);
}
