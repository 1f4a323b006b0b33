export type Driver = 'satisfaction' | 'dissatisfaction';

export interface CompiledTheme {
  id: string;
  label: string;
  driver: Driver;
  patterns: RegExp[];
}

/** What the report reads of the `feedback:` section (its schema lives with the feedback collector). */
export interface FeedbackReportSettings {
  themes: Readonly<Record<string, { label: string; match: readonly string[]; driver: Driver }>>;
  /** Drivers per list. */
  top: number;
}

/** The configured themes with their patterns compiled (case-insensitive), in config order. */
export function compileThemes(settings: Pick<FeedbackReportSettings, 'themes'>): CompiledTheme[] {
  return Object.entries(settings.themes).map(([id, t]) => ({
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
