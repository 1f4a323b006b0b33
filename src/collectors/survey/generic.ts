import { invalidArgument } from '../../errors/errors.js';
import type { CsvRow } from './csv-rows.js';
import { findColumn, itemLabels, requireColumn, settingFor, type Item, type Layout } from './layout.js';
import type { SurveysConfig } from './settings.js';

/**
 * Any other CSV: one header row, one row per response. `surveys.csv` names the respondent,
 * team and submission-time columns; the question columns are those `surveys.questions` maps.
 * Every other column is left out: a hand-made export often carries names and e-mails.
 */
export function csvLayout(rows: readonly CsvRow[], cfg: SurveysConfig, file: string): Layout {
  const header = (rows[0]?.cells ?? []).map((c) => c.trim());
  if (!header.length) throw invalidArgument(`${file}: the file is empty; nothing was written`, { file });
  const m = cfg.csv;
  const respondent = requireColumn(header, m.respondent, 'surveys.csv.respondent', file, 'who answered');
  const submitted = requireColumn(
    header,
    m.submitted_at,
    'surveys.csv.submitted_at',
    file,
    'when they answered',
  );
  const team = m.team
    ? requireColumn(header, m.team, 'surveys.csv.team', file, 'the respondent’s team')
    : findColumn(header, 'team');
  const used = new Set([respondent, submitted, ...(team === null ? [] : [team])]);
  const items: Item[] = [];
  const ignored: string[] = [];
  header.forEach((h, col) => {
    if (used.has(col)) return;
    const mapped = settingFor(cfg, [h]);
    if (!mapped) {
      ignored.push(h);
      return;
    }
    const { setting, key } = mapped;
    items.push({
      col,
      question: h,
      label: h,
      kind: setting.type === 'text' ? 'text' : setting.type === 'multi' ? 'multi' : 'scale',
      construct: setting.construct ?? null,
      labels: itemLabels(cfg, setting),
      settingKey: key,
    });
  });
  if (!items.length)
    throw invalidArgument(
      `${file}: none of the columns (${header.join(', ')}) is a question surveys.questions maps; nothing was written. ` +
        'Map each question column to a construct, e.g. surveys.questions: { "How satisfied are you?": satisfaction }',
      { file, field: 'surveys.questions' },
    );
  return {
    layout: 'csv',
    headerRows: 1,
    respondent: { cols: [respondent], names: [header[respondent]!], setting: 'surveys.csv.respondent' },
    team,
    submittedAt: { cols: [submitted], names: [header[submitted]!], setting: 'surveys.csv.submitted_at' },
    timeZone: null,
    responseId: null,
    status: null,
    finished: null,
    items,
    ignored,
  };
}
