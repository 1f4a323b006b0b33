import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { isPseudonym, pseudonymise } from '../../domain/pseudonymise.js';
import { textProblem } from '../../domain/storable.js';
import { parseInstant } from '../../domain/time.js';
import { invalidArgument } from '../../errors/errors.js';
import { CSV_FIELDS, type CsvField, type FeedbackSettings } from './settings.js';

export interface FeedbackRecord {
  kind: 'feedback';
  id: string;
  occurred_at: Date;
  author: string | null;
  team: string | null;
  category: string | null;
  sentiment: 'praise' | 'friction' | 'idea' | 'other';
  text: string;
}

const SENTIMENTS = ['praise', 'friction', 'idea', 'other'] as const;
type Sentiment = (typeof SENTIMENTS)[number];

/** The pseudonym an author is stored as, or why it cannot be (no key while pseudonymising). */
export function storedAuthor(
  settings: FeedbackSettings,
  author: string | null,
  field: string,
): string | null {
  if (author === null || author.trim() === '') return null;
  if (!settings.pseudonymise || isPseudonym(author)) return author.trim();
  if (!settings.pseudonym_key)
    throw invalidArgument(
      `${field}: authors are pseudonymised (feedback.pseudonymise) but no key is set: set PITWALL_PSEUDONYM_KEY (or feedback.pseudonym_key) to a random secret, or leave the author out`,
      { field, setting: 'feedback.pseudonym_key' },
    );
  return pseudonymise(settings.pseudonym_key, author);
}

/** Which header holds each field: the mapping in config or on the command line, else the field's own name. */
function headerIndex(
  headers: string[],
  columns: Partial<Record<CsvField, string>>,
  file: string,
): Partial<Record<CsvField, number>> {
  const lower = headers.map((h) => h.trim().toLowerCase());
  const out: Partial<Record<CsvField, number>> = {};
  for (const f of CSV_FIELDS) {
    const wanted = columns[f];
    const i = lower.indexOf((wanted ?? f).toLowerCase());
    if (i >= 0) out[f] = i;
    else if (wanted)
      throw invalidArgument(
        `${file}: no column "${wanted}" (mapped to ${f} in feedback.csv.columns or --column): the header has ${headers.map((h) => JSON.stringify(h)).join(', ')}`,
        { field: `feedback.csv.columns.${f}` },
      );
  }
  for (const f of ['text', 'occurred_at'] as const)
    if (out[f] === undefined)
      throw invalidArgument(
        `${file}: no ${f} column: name it "${f}" or map it with feedback.csv.columns.${f} (or --column ${f}=HEADER); the header has ${headers.map((h) => JSON.stringify(h)).join(', ')}`,
        { field: `feedback.csv.columns.${f}` },
      );
  return out;
}

function sentimentOf(raw: string, settings: FeedbackSettings, where: string): Sentiment {
  const v = raw.trim();
  if (v === '') return 'other';
  const mapped =
    Object.entries(settings.csv.sentiments).find(([k]) => k.toLowerCase() === v.toLowerCase())?.[1] ??
    SENTIMENTS.find((s) => s === v.toLowerCase());
  if (!mapped)
    throw invalidArgument(
      `${where}: sentiment "${v}" is not one of ${SENTIMENTS.join(', ')}: map it in feedback.csv.sentiments (e.g. "${v}: friction")`,
      { field: 'sentiment' },
    );
  return mapped;
}

/**
 * Every row of a feedback CSV as a record, or the first problem (file, line, column): a file
 * with one bad row writes nothing. A row without an id gets one from its content, so importing
 * the same file again updates instead of duplicating.
 */
export function parseFeedbackCsv(
  content: string,
  file: string,
  settings: FeedbackSettings,
  columns: Partial<Record<CsvField, string>> = {},
): FeedbackRecord[] {
  let rows: string[][];
  try {
    rows = parse(content, {
      bom: true,
      delimiter: settings.csv.delimiter,
      skip_empty_lines: true,
      relax_quotes: false,
    }) as string[][];
  } catch (e) {
    throw invalidArgument(`${file}: not a CSV file: ${(e as Error).message}`, { field: 'file' });
  }
  if (rows.length === 0)
    throw invalidArgument(`${file}: the file is empty (expected a header row)`, { field: 'file' });
  const [headers, ...data] = rows as [string[], ...string[][]];
  const at = headerIndex(headers, { ...settings.csv.columns, ...columns }, file);
  const categories = new Set(settings.categories);
  return data.map((row, n) => {
    const line = `${file}: row ${n + 2}`;
    const cell = (f: CsvField) => (at[f] === undefined ? '' : (row[at[f]] ?? '').trim());
    const text = cell('text');
    if (text === '') throw invalidArgument(`${line}: the text column is empty`, { field: 'text' });
    const rawAt = cell('occurred_at');
    const occurred = parseInstant(rawAt);
    if (!occurred)
      throw invalidArgument(
        `${line}: occurred_at "${rawAt}" is not an ISO-8601 date or time (e.g. 2025-03-01 or 2025-03-01T09:30:00Z)`,
        { field: 'occurred_at' },
      );
    const category = cell('category') || null;
    if (category !== null && !categories.has(category))
      throw invalidArgument(
        `${line}: category "${category}" is not in feedback.categories (${settings.categories.join(', ')}): add it there or fix the row`,
        { field: 'category' },
      );
    for (const f of ['text', 'team', 'author', 'id'] as const) {
      const problem = cell(f) ? textProblem(cell(f)) : null;
      if (problem) throw invalidArgument(`${line}: ${f}: ${problem}`, { field: f });
    }
    const author = storedAuthor(settings, cell('author') || null, `${line}: author`);
    const sentiment = sentimentOf(cell('sentiment'), settings, line);
    const id =
      cell('id') ||
      `csv-${createHash('sha256')
        .update(JSON.stringify([occurred.toISOString(), author, category, sentiment, text]))
        .digest('hex')
        .slice(0, 32)}`;
    return {
      kind: 'feedback' as const,
      id,
      occurred_at: occurred,
      author,
      team: cell('team') || null,
      category,
      sentiment,
      text,
    };
  });
}
