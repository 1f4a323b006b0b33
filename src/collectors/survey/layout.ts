import type { SurveyConstruct } from '../../domain/survey-constructs.js';
import { invalidArgument } from '../../errors/errors.js';
import type { CsvRow } from './csv-rows.js';
import { labelKey, labelMap } from './labels.js';
import type { QuestionSetting, SurveysConfig } from './settings.js';

/** How one column's cells become answers. */
export type ItemKind =
  /** A score (number or known label) or, for an item without construct, choice text. */
  | 'scale'
  /** Free text: kept as the comment of the response's row for this item. */
  | 'text'
  /** Comma-separated choices: one answer (score 1) per choice. */
  | 'multi'
  /** One option of a multi-select split into columns: selected when the cell is 1 or its label. */
  | 'option';

export interface Item {
  col: number;
  /** The stored question id: Qualtrics' ImportId (QID5) where the export has one, else the header. */
  question: string;
  /** For messages: the column as the user knows it (id and question text). */
  label: string;
  kind: ItemKind;
  construct: SurveyConstruct | null;
  labels: Map<string, number>;
  /** The option's text, for kind 'option'. */
  option?: string;
  /** The setting that mapped it (`surveys.questions.<key>`), for messages; null if none. */
  settingKey: string | null;
}

/** Where each part of a response is, after the header was read. */
export interface Layout {
  layout: 'qualtrics-current' | 'qualtrics-legacy' | 'csv';
  /** Rows before the first response. */
  headerRows: number;
  /** Columns that may identify the respondent, first non-empty wins; the setting that named it. */
  respondent: { cols: number[]; names: string[]; setting: string };
  team: number | null;
  submittedAt: { cols: number[]; names: string[]; setting: string };
  /** The zone the export says its times are in (Qualtrics' ImportId row); null: surveys.timezone. */
  timeZone: string | null;
  /** Qualtrics: response id (messages), status and finished (skipping previews and partials). */
  responseId: number | null;
  status: number | null;
  finished: number | null;
  items: Item[];
  /** Headers read and not stored (metadata such as IPAddress, unmapped CSV columns). */
  ignored: string[];
}

/** The item setting whose key names this column: its id, its ImportId or its question text. */
export function settingFor(
  cfg: SurveysConfig,
  names: (string | null | undefined)[],
): { key: string; setting: QuestionSetting } | null {
  const wanted = new Set(names.filter((n): n is string => !!n).map(labelKey));
  for (const [key, setting] of Object.entries(cfg.questions))
    if (wanted.has(labelKey(key))) return { key, setting };
  return null;
}

export function itemLabels(cfg: SurveysConfig, setting: QuestionSetting | null): Map<string, number> {
  return labelMap(cfg.labels, setting?.labels ?? {});
}

/** The first header (of the names given) that is a column, compared case-insensitively. */
export function findColumn(header: readonly string[], ...names: string[]): number | null {
  for (const n of names) {
    const i = header.findIndex((h) => labelKey(h) === labelKey(n));
    if (i >= 0) return i;
  }
  return null;
}

export function requireColumn(
  header: readonly string[],
  name: string,
  setting: string,
  file: string,
  what: string,
): number {
  const i = findColumn(header, name);
  if (i === null)
    throw invalidArgument(
      `${file}: no column "${name}" (${setting}, ${what}) in the header (${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''}); nothing was written. ` +
        `Set ${setting} to the header of the column that holds it`,
      { file, field: setting, column: name },
    );
  return i;
}

export const cellAt = (row: CsvRow, col: number | null) =>
  col === null ? '' : (row.cells[col] ?? '').trim();
