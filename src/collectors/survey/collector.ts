import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { z } from 'zod';
import { invalidArgument } from '../../errors/errors.js';
import type { Collector } from '../collector.js';
import { importSurvey, SURVEY_FORMATS, type SurveyImportSummary, type SurveyRecord } from './import.js';
import { surveysSettings } from './settings.js';

const options = z
  .object({
    /** The export, relative to `cwd`. */
    path: z.string().min(1),
    format: z.enum(SURVEY_FORMATS, { error: `expected a format: ${SURVEY_FORMATS.join(' or ')}` }),
    /** The survey's name (default: the file's name without extension, e.g. pulse-2026-11). */
    survey: z.string().trim().min(1).max(200).optional(),
    cwd: z.string().default('.'),
  })
  .strict();

export interface SurveyTarget {
  records: SurveyRecord[];
  summary: SurveyImportSummary;
}

export const surveyCollector = {
  id: 'survey',
  description:
    'survey answers from a Qualtrics CSV export or any CSV mapped in surveys: (respondents pseudonymised)',
  configSchema: options,
  settings: surveysSettings,
  // One export is one delivery: it lands whole or not at all.
  atomic: true,
  // The whole file is read and checked here, before a store is opened: a bad file writes nothing.
  async prepare(o, ctx) {
    const path = resolve(ctx.cwd, o.cwd, o.path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw invalidArgument(
        `${o.path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check the path`,
        {
          file: o.path,
        },
      );
    }
    const survey = o.survey ?? basename(o.path, extname(o.path));
    const { records, summary } = importSurvey(text, {
      file: o.path,
      format: o.format,
      survey,
      config: ctx.config.surveys,
    });
    return { sourceId: `survey:${survey}`, target: { records, summary } };
  },
  async *collect(ctx) {
    const { records, summary } = ctx.target;
    if (records.length) yield { records };
    ctx.progress({ unit: 'answers', done: records.length });
    return {
      cursor: summary.survey,
      facts: {
        survey: summary.survey,
        layout: summary.layout,
        responses: summary.responses,
        answers: summary.answers,
        skipped_preview: summary.skipped.preview,
        skipped_unfinished: summary.skipped.unfinished,
        duplicates: summary.duplicates,
        pseudonymised: summary.pseudonymised,
        questions: JSON.stringify(summary.questions),
        ignored: JSON.stringify(summary.ignored),
      },
    };
  },
} satisfies Collector<typeof options, SurveyTarget>;
