import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import type { Config } from '../config/schema.js';
import { invalidArgument } from '../errors/errors.js';
import { calendarProblem, parseInstant } from '../domain/time.js';
import { ensureFresh } from '../enrich/index.js';
import { loadConfig } from '../plugins.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';

/** What every command receives: where to write, how to reach config and the store. */
export interface CliContext {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal: progress bars go there only then. */
  interactive: boolean;
}

export function config(ctx: CliContext, program: Command): Config {
  const opts = program.opts<{ config?: string }>();
  return loadConfig({ cwd: ctx.cwd, env: ctx.env, path: opts.config });
}

/** Opens the configured store for the length of `fn`, and always closes it. */
export async function withStore<T>(cfg: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({
    databaseUrl: cfg.store.database_url,
    duckdbPath: cfg.store.duckdb_path,
    duckdbMemoryLimit: cfg.store.duckdb_memory_limit,
    duckdbLoadMemoryLimit: cfg.store.duckdb_load_memory_limit,
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Opens the store for a command that writes: after `fn`, the derived tables are brought up to
 * date (ensureFresh), so every write path leaves them fresh when the command returns.
 */
export function withWritableStore<T>(cfg: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  return withStore(cfg, async (store) => {
    const out = await fn(store);
    await ensureFresh(store, cfg);
    return out;
  });
}

export function parseDateOption(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = parseInstant(value);
  if (!d)
    throw invalidArgument(
      `--${name} ${JSON.stringify(value)} is not a date${calendarProblem(value) ? ` (${calendarProblem(value)})` : ''}: use ISO-8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z`,
    );
  return d;
}

const DAY = 86_400_000;

export interface WindowFlags {
  from?: string;
  to?: string;
  json?: boolean;
}

/** A read command over a window: --from, --to and --json. */
export function windowedCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(fromOption())
    .addOption(toOption())
    .option('--json', 'print JSON');
}

/** Runs `fn` over the configured store, the config and the window of --from/--to. */
export function readWindow<T>(
  ctx: CliContext,
  program: Command,
  o: WindowFlags,
  fn: (store: Store, cfg: Config, window: { from: Date; to: Date }) => Promise<T>,
): Promise<T> {
  const cfg = config(ctx, program);
  const window = windowFrom(o);
  return withStore(cfg, (store) => fn(store, cfg, window));
}

/** --from/--to for every windowed command (read back with windowFrom). */
export const fromOption = () => new Option('--from <date>', 'window start (default: 30 days before --to)');
export const toOption = () => new Option('--to <date>', 'window end, exclusive (default: now)');

/** --from/--to, defaulting to the 30 days before now. */
export function windowFrom(o: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = parseDateOption('to', o.to) ?? new Date();
  const from = parseDateOption('from', o.from) ?? new Date(to.getTime() - 30 * DAY);
  if (!(from < to))
    throw invalidArgument(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
  return { from, to };
}

/** Prints rows as a compact table with the given columns (dates as ISO, numbers rounded). */
export function rowsTable(rows: readonly Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const cell = (v: unknown) =>
    v === null || v === undefined
      ? '—'
      : v instanceof Date
        ? v.toISOString().replace('.000Z', 'Z')
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? String(v)
            : v.toFixed(2)
          : String(v);
  const t = new Table({ head: cols, style: { head: [], border: [], compact: true } });
  for (const r of rows) t.push(cols.map((c) => cell(r[c])));
  return t.toString() + '\n';
}

export const jsonOption = () => new Option('--json', 'print JSON instead of text');

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2) + '\n');
}
