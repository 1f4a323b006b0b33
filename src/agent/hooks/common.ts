import { invalidArgument } from '../../errors/errors.js';

/** The shells a hook exists for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The programs `--wrap` may alias to `pitwall run -- X` (package managers and builds). */
export const WRAPPABLE = ['npm', 'yarn', 'pnpm', 'pip', 'mvn', 'gradle', 'cargo', 'go'] as const;

export interface HookOptions {
  /**
   * The spool directory (`agent.spool_dir`); null: the shell works out the default itself,
   * `${XDG_STATE_HOME:-$HOME/.local/state}/pitwall`, so one system-wide hook serves every user.
   */
  spoolDir: string | null;
  /** Programs aliased to `<pitwall> run -- X`. */
  wrap: readonly string[];
  /** How the aliases call pitwall: e.g. `['pitwall']` or `[node, /path/to/bin/pitwall.js]`. */
  pitwall: readonly string[];
}

/** Checks a --wrap list (comma-separated or repeated) against the known programs. */
export function parseWrap(values: readonly string[]): string[] {
  const names = values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names)
    if (!(WRAPPABLE as readonly string[]).includes(n))
      throw invalidArgument(
        `--wrap ${JSON.stringify(n)} is not a program pitwall wraps: use some of ${WRAPPABLE.join(',')}`,
      );
  return [...new Set(names)];
}

/** A POSIX shell single-quoted word (bash and zsh read it the same way). */
export const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A fish single-quoted word: only `\` and `'` are special inside. */
export const fishQuote = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** The first line of every hook file: what it is and that install rewrites it. */
export const GENERATED =
  'Written by `pitwall agent install`; rewritten by each install, removed by `pitwall agent uninstall`.';
