import type { RecordInput } from '../../domain/records.js';
import { scoreProblem } from '../../domain/survey-constructs.js';
import { invalidArgument } from '../../errors/errors.js';
import { readCsvRows, type CsvRow } from './csv-rows.js';
import { csvLayout } from './generic.js';
import { interpret } from './labels.js';
import { cellAt, type Item, type Layout } from './layout.js';
import { pseudonymise } from '../../domain/pseudonymise.js';
import { qualtricsLayout } from './qualtrics.js';
import type { SurveysConfig } from './settings.js';
import { parseSurveyTime } from './time.js';

export const SURVEY_FORMATS = ['qualtrics', 'csv'] as const;
export type SurveyFormat = (typeof SURVEY_FORMATS)[number];

export interface SurveyImportOptions {
  /** For messages: the file name, or `body` for the API. */
  file: string;
  format: SurveyFormat;
  /** The survey's name: part of each answer's natural key, so a re-import replaces its answers. */
  survey: string;
  config: SurveysConfig;
}

export interface SurveyImportSummary {
  survey: string;
  layout: Layout['layout'];
  responses: number;
  answers: number;
  /** Previews, tests and spam (Qualtrics Status), and unfinished responses, left out. */
  skipped: { preview: number; unfinished: number };
  /** Respondents who answered twice in the file: the later response is kept. */
  duplicates: number;
  questions: { question: string; construct: string | null; kind: Item['kind'] }[];
  /** Columns read but not stored (metadata, unmapped columns). */
  ignored: string[];
  pseudonymised: boolean;
}

export type SurveyRecord = RecordInput<'survey_response'>;

/** Qualtrics' Status: 0 / "IP Address" is a real response; previews, tests and spam are not. */
const NOT_A_RESPONSE = new Set(['1', '2', '8', 'survey preview', 'survey test', 'spam']);
const UNFINISHED = new Set(['0', 'false']);
/** Qualtrics' numeric exports write -99 for a question seen and not answered. */
const UNANSWERED = new Set(['', '-99']);

/** A key is needed before anything else is read: no import ever stores identifiers by accident. */
export function pseudonymKey(cfg: SurveysConfig): string | null {
  if (!cfg.pseudonymise) return null;
  if (!cfg.key)
    throw invalidArgument(
      'survey respondents are pseudonymised with a keyed hash and no key is set; nothing was written. ' +
        'Set PITWALL_SURVEY_KEY to a random secret of at least 16 characters (keep it: the same key gives the same ' +
        'pseudonyms next time), or set surveys.pseudonymise: false to store respondents as the file names them',
      { field: 'surveys.key' },
    );
  return cfg.key;
}

/**
 * A survey export as answer records, all or nothing: every problem (a malformed file, a missing
 * column, a label without a score, a score off its construct's scale) is found before anything
 * is returned, and the first is thrown naming its line, column and the fix.
 */
export function importSurvey(
  text: string,
  o: SurveyImportOptions,
): { records: SurveyRecord[]; summary: SurveyImportSummary } {
  const key = pseudonymKey(o.config);
  const delimiter = o.format === 'csv' ? o.config.csv.delimiter : ',';
  const rows = readCsvRows(text, o.file, delimiter);
  const layout =
    o.format === 'qualtrics' ? qualtricsLayout(rows, o.config, o.file) : csvLayout(rows, o.config, o.file);
  const problems: string[] = [];
  const records: SurveyRecord[] = [];
  const skipped = { preview: 0, unfinished: 0 };
  const seen = new Set<string>();
  let responses = 0;
  let duplicates = 0;
  for (const row of rows.slice(layout.headerRows)) {
    const where = `line ${row.line}${layout.responseId !== null && cellAt(row, layout.responseId) ? ` (response ${cellAt(row, layout.responseId)})` : ''}`;
    if (NOT_A_RESPONSE.has(cellAt(row, layout.status).toLowerCase())) {
      skipped.preview++;
      continue;
    }
    if (!o.config.include_unfinished && UNFINISHED.has(cellAt(row, layout.finished).toLowerCase())) {
      skipped.unfinished++;
      continue;
    }
    const id = layout.respondent.cols.map((c) => cellAt(row, c)).find((v) => v !== '');
    if (!id) {
      problems.push(
        `${where}: no respondent (${layout.respondent.names.join(', ') || 'no identity column'} empty): ` +
          `every response needs one; set ${layout.respondent.setting} to a column that identifies people`,
      );
      continue;
    }
    const rawTime = layout.submittedAt.cols.map((c) => cellAt(row, c)).find((v) => v !== '') ?? '';
    const at = parseSurveyTime(rawTime, layout.timeZone ?? o.config.timezone);
    if (!at) {
      problems.push(
        `${where}, column ${layout.submittedAt.names.join('/')}: ${JSON.stringify(rawTime)} is not a date: ` +
          `write it as 2026-11-03 09:14:22 (read in surveys.timezone) or ISO 8601, or set ${layout.submittedAt.setting}`,
      );
      continue;
    }
    const respondent = key ? pseudonymise(key, id) : id;
    if (seen.has(respondent)) duplicates++;
    seen.add(respondent);
    responses++;
    const base = {
      kind: 'survey_response' as const,
      survey: o.survey,
      respondent,
      team: cellAt(row, layout.team) || null,
      answered_at: at,
    };
    for (const item of layout.items)
      records.push(...answers(row, item, where, problems).map((a) => ({ ...base, ...a })));
  }
  if (problems.length)
    throw invalidArgument(
      `${o.file}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}; nothing was written`,
      { file: o.file, problems: problems.slice(0, 50) },
    );
  return {
    records,
    summary: {
      survey: o.survey,
      layout: layout.layout,
      responses,
      answers: records.length,
      skipped,
      duplicates,
      questions: layout.items.map((i) => ({ question: i.question, construct: i.construct, kind: i.kind })),
      ignored: layout.ignored,
      pseudonymised: key !== null,
    },
  };
}

type Answer = Pick<SurveyRecord, 'question' | 'score' | 'comment' | 'construct' | 'choice'>;

/** One cell as the answers it holds (none when left blank). */
function answers(row: CsvRow, item: Item, where: string, problems: string[]): Answer[] {
  const raw = cellAt(row, item.col);
  if (UNANSWERED.has(raw)) return [];
  const q = { question: item.question, construct: item.construct };
  if (item.kind === 'text') return [{ ...q, score: null, comment: raw, choice: null }];
  if (item.kind === 'option')
    return raw === '0' ? [] : [{ ...q, score: 1, comment: null, choice: item.option ?? null }];
  if (item.kind === 'multi')
    return raw
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '')
      .map((c) => ({
        question: `${item.question}/${c}`,
        construct: null,
        score: 1,
        comment: null,
        choice: c,
      }));
  const v = interpret(raw, item.labels);
  const fix = `surveys.questions.${item.settingKey ?? item.question}.labels`;
  if (!item.construct)
    return [
      v.kind === 'score'
        ? { ...q, score: v.score, comment: null, choice: v.choice }
        : { ...q, score: null, comment: null, choice: v.choice },
    ];
  if (v.kind === 'choice') {
    problems.push(
      `${where}, column ${item.label}: ${JSON.stringify(raw)} is neither a number nor a known choice for ${item.construct}: ` +
        `add its score to ${fix} (e.g. ${JSON.stringify(raw)}: 4)`,
    );
    return [];
  }
  const off = scoreProblem(item.construct, v.score);
  if (off) {
    problems.push(
      `${where}, column ${item.label}: ${off}: fix the cell, map the item to another construct, or map its choices to scores in ${fix}`,
    );
    return [];
  }
  return [{ ...q, score: v.score, comment: null, choice: v.choice }];
}
