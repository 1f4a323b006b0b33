import { invalidArgument } from '../../errors/errors.js';
import type { CsvRow } from './csv-rows.js';
import { labelKey } from './labels.js';
import { findColumn, itemLabels, settingFor, type Item, type Layout } from './layout.js';
import type { SurveysConfig } from './settings.js';

/**
 * A Qualtrics CSV export as Qualtrics writes it. Current layout: row 1 column ids (StartDate,
 * ..., ResponseId, Q1, Q5_1), row 2 question text, row 3 ImportId JSON ({"ImportId":"QID5_1"}).
 * Legacy layout (older exports): row 1 V1..V10 and Q ids, row 2 the metadata names
 * (ResponseID, ResponseSet, Name, ExternalDataReference, EmailAddress, IPAddress, Status,
 * StartDate, EndDate, Finished) and question text, sometimes a third ImportId row.
 */

/** Metadata columns: read for identity, time and status, never stored (names, e-mails, IPs). */
const METADATA = new Set(
  [
    'StartDate',
    'EndDate',
    'Status',
    'IPAddress',
    'Progress',
    'Duration (in seconds)',
    'Finished',
    'RecordedDate',
    'ResponseId',
    'ResponseID',
    'ResponseSet',
    'Name',
    'RecipientLastName',
    'RecipientFirstName',
    'RecipientEmail',
    'ExternalReference',
    'ExternalDataReference',
    'EmailAddress',
    'LocationLatitude',
    'LocationLongitude',
    'LocationAccuracy',
    'DistributionChannel',
    'UserLanguage',
    'Q_RecaptchaScore',
    'Q_RelevantIDDuplicate',
    'Q_RelevantIDDuplicateScore',
    'Q_RelevantIDFraudScore',
    'Q_RelevantIDLastStartDate',
  ].map(labelKey),
);

/** Identity columns in the order they identify a person across pulses best. */
const RESPONDENT = [
  'RecipientEmail',
  'ExternalReference',
  'ExternalDataReference',
  'EmailAddress',
  'ResponseId',
  'ResponseID',
];

interface Column {
  col: number;
  id: string;
  /** Legacy: the metadata name of a V column; current: the question text row. */
  text: string;
  importId: string | null;
}

function importJson(cell: string): { ImportId?: unknown; timeZone?: unknown } | null {
  const v = cell.trim();
  if (!v.startsWith('{')) return null;
  try {
    return JSON.parse(v) as { ImportId?: unknown; timeZone?: unknown };
  } catch {
    return null;
  }
}

function importIdOf(cell: string): string | null {
  const id = importJson(cell)?.ImportId;
  return typeof id === 'string' ? id : null;
}

/** Qualtrics names the zone of its date columns in the ImportId row: {"ImportId":"recordedDate","timeZone":"America/Denver"}. */
function timeZoneOf(cell: string | undefined): string | null {
  const tz = cell === undefined ? undefined : importJson(cell)?.timeZone;
  if (typeof tz !== 'string') return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return null;
  }
}

const QUESTION_ID = /^QID\d+/i;

/** Reads the header rows into a layout; `rows` includes the responses (multi-select detection). */
export function qualtricsLayout(rows: readonly CsvRow[], cfg: SurveysConfig, file: string): Layout {
  const [ids, texts, third] = rows;
  const notQualtrics = (why: string) =>
    invalidArgument(
      `${file}: not a Qualtrics export as Qualtrics writes it: ${why}; nothing was written. ` +
        'Export again from Data & Analysis > Export & Import > Export data > CSV, or import it with --format csv and a surveys.csv mapping',
      { file },
    );
  if (!ids || !texts) throw notQualtrics('it has fewer than two header rows');
  const first = ids.cells.map((c) => c.trim());
  const legacy = first.includes('V1') && texts.cells.some((c) => labelKey(c) === 'responseid');
  const hasImportIds =
    !!third && third.cells.filter((c) => importIdOf(c) !== null).length >= third.cells.length / 2;
  if (!legacy && !findColumn(first, 'ResponseId', 'ResponseID'))
    throw notQualtrics('its first row has no ResponseId column (and no V1..V10 of the legacy layout)');
  if (!legacy && !hasImportIds)
    throw notQualtrics('its third row does not hold the ImportId JSON ({"ImportId":"QID1"})');

  const columns: Column[] = first.map((id, col) => ({
    col,
    id,
    text: (texts.cells[col] ?? '').trim(),
    importId: hasImportIds ? importIdOf(third!.cells[col] ?? '') : null,
  }));
  // What each column is called, metadata by its name in either layout.
  const nameOf = (c: Column) => (legacy && /^V\d+$/.test(c.id) ? c.text : c.id);
  const names = columns.map(nameOf);
  const headerRows = hasImportIds ? 3 : 2;
  const responses = rows.slice(headerRows);

  const explicit = (setting: string | undefined, key: string, what: string): number | null => {
    if (!setting) return null;
    const i = findColumn(names, setting);
    if (i === null)
      throw invalidArgument(
        `${file}: no column "${setting}" (surveys.qualtrics.${key}, ${what}) in the export (${names.slice(0, 12).join(', ')}, ...); nothing was written. ` +
          `Set surveys.qualtrics.${key} to the name of the column (an embedded data field keeps its name)`,
        { file, field: `surveys.qualtrics.${key}`, column: setting },
      );
    return i;
  };
  const respondentCol = explicit(cfg.qualtrics.respondent, 'respondent', 'who answered');
  const respondentCols =
    respondentCol !== null
      ? [respondentCol]
      : RESPONDENT.map((n) => findColumn(names, n)).filter((i): i is number => i !== null);
  const teamCol = explicit(cfg.qualtrics.team, 'team', 'the respondent’s team') ?? findColumn(names, 'team');
  const timeCol = explicit(cfg.qualtrics.submitted_at, 'submitted_at', 'when the response was submitted');
  const timeCols =
    timeCol !== null
      ? [timeCol]
      : ['RecordedDate', 'EndDate'].map((n) => findColumn(names, n)).filter((i): i is number => i !== null);
  if (!timeCols.length) throw notQualtrics('it has no RecordedDate or EndDate column');

  const npsQuestions = new Set(
    columns
      .map((c) => /^(.*)_NPS_GROUP$/i.exec(c.importId ?? c.id)?.[1])
      .filter((q): q is string => !!q)
      .map(labelKey),
  );
  const used = new Set([...respondentCols, ...timeCols, ...(teamCol === null ? [] : [teamCol])]);
  const items: Item[] = [];
  const ignored: string[] = [];
  for (const c of columns) {
    const name = names[c.col]!;
    const question = c.importId ?? c.id;
    const mapped = settingFor(cfg, [c.importId, c.id, c.text]);
    const isQuestion = QUESTION_ID.test(question) || /^Q\d+/i.test(c.id);
    if (used.has(c.col)) continue;
    if (!mapped && (METADATA.has(labelKey(name)) || !isQuestion)) {
      ignored.push(name);
      continue;
    }
    // The NPS group (detractor / passive / promoter) is derived from the score: not stored twice.
    if (/_NPS_GROUP$/i.test(question) && !mapped) {
      ignored.push(name);
      continue;
    }
    const setting = mapped?.setting ?? null;
    const construct = setting?.construct ?? (npsQuestions.has(labelKey(question)) ? 'nps' : null);
    const label = c.text && c.text !== c.id ? `${c.id} ("${c.text.slice(0, 60)}")` : c.id;
    const base = {
      col: c.col,
      question,
      label,
      construct,
      labels: itemLabels(cfg, setting),
      settingKey: mapped?.key ?? null,
    };
    if (setting?.type === 'text' || (!setting?.type && /_TEXT$/i.test(question))) {
      items.push({ ...base, kind: 'text', construct: setting?.construct ?? null });
      continue;
    }
    if (setting?.type === 'multi') {
      items.push({ ...base, kind: 'multi' });
      continue;
    }
    const option = splitOption(c, responses);
    if (!setting?.type && !construct && option) {
      items.push({ ...base, kind: 'option', option, question: `${question.replace(/_\d+$/, '')}/${option}` });
      continue;
    }
    // Numeric exports write a multi-select kept in one column as "1,3".
    const numericMulti =
      !setting?.type &&
      !construct &&
      responses.some((r) => /^\d+(,\d+)+$/.test((r.cells[c.col] ?? '').trim()));
    items.push({ ...base, kind: numericMulti ? 'multi' : 'scale' });
  }
  if (!items.length)
    throw notQualtrics(
      'it has no question columns (QID ImportIds or Q ids), and surveys.questions maps none',
    );
  return {
    layout: legacy ? 'qualtrics-legacy' : 'qualtrics-current',
    headerRows,
    respondent: {
      cols: respondentCols,
      names: respondentCols.map((i) => names[i]!),
      setting: 'surveys.qualtrics.respondent',
    },
    team: teamCol,
    submittedAt: {
      cols: timeCols,
      names: timeCols.map((i) => names[i]!),
      setting: 'surveys.qualtrics.submitted_at',
    },
    timeZone: hasImportIds ? timeZoneOf(third!.cells[timeCols[0]!]) : null,
    responseId: findColumn(names, 'ResponseId', 'ResponseID'),
    status: findColumn(names, 'Status'),
    finished: findColumn(names, 'Finished'),
    items,
    ignored,
  };
}

/**
 * A multi-select split into one column per option (QID5_1 "Which tools ... - Jira"): each cell
 * is empty, 1 or the option's own text. A matrix row (QID2_1 "... - CI speed") holds scores.
 */
function splitOption(c: Column, responses: readonly CsvRow[]): string | null {
  if (!/_\d+$/.test(c.importId ?? c.id)) return null;
  const dash = c.text.lastIndexOf(' - ');
  if (dash < 0) return null;
  const option = c.text.slice(dash + 3).trim();
  if (!option) return null;
  const values = responses.map((r) => (r.cells[c.col] ?? '').trim()).filter((v) => v !== '' && v !== '-99');
  if (!values.length) return null;
  return values.every((v) => v === '1' || labelKey(v) === labelKey(option)) ? option : null;
}
