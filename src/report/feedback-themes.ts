import type { Config } from '../config/schema.js';

export type Driver = 'satisfaction' | 'dissatisfaction';

export interface CompiledTheme {
  id: string;
  label: string;
  driver: Driver;
  patterns: RegExp[];
}

/** The configured themes with their patterns compiled (case-insensitive), in config order. */
export function compileThemes(config: Config): CompiledTheme[] {
  return Object.entries(config.feedback.themes).map(([id, t]) => ({
    id,
    label: t.label,
    driver: t.driver,
    patterns: t.match.map((m) => new RegExp(m, 'i')),
  }));
}

/** The ids of every theme a text mentions (a text may mention several). */
export function themesIn(text: string, themes: readonly CompiledTheme[]): string[] {
  return themes.filter((t) => t.patterns.some((p) => p.test(text))).map((t) => t.id);
}
