import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { invalidArgument } from '../../errors/errors.js';
import type { Collector } from '../collector.js';
import { parseFeedbackCsv, type FeedbackRecord } from './csv.js';
import { CSV_FIELDS, feedbackSection, type CsvField } from './settings.js';

const options = z
  .object({
    /** The CSV file, relative to `cwd`. */
    path: z.string().min(1),
    cwd: z.string().default('.'),
    /** Column mapping for this file, over `feedback.csv.columns`: field -> header. */
    columns: z
      .partialRecord(z.enum(CSV_FIELDS as [CsvField, ...CsvField[]]), z.string().trim().min(1))
      .default({}),
  })
  .strict();

export interface FeedbackTarget {
  file: string;
  records: FeedbackRecord[];
}

/**
 * Feedback from a CSV export (a form tool, a spreadsheet, a survey's free-text sheet). The
 * whole file is read and checked before anything is written, and written in one transaction.
 */
export const feedbackCollector = {
  id: 'feedback',
  description: 'feedback and friction reports from a CSV file (column mapping in feedback.csv)',
  configSchema: options,
  settings: feedbackSection,
  atomic: true,
  async prepare(o, ctx) {
    const file = isAbsolute(o.path) ? o.path : resolve(ctx.cwd, o.cwd, o.path);
    let content: string;
    try {
      content = await readFile(file, 'utf8');
    } catch (e) {
      throw invalidArgument(
        `${o.path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        {
          field: 'path',
        },
      );
    }
    const records = parseFeedbackCsv(content, o.path, ctx.config.feedback, o.columns);
    return { sourceId: `feedback:${o.path}`, target: { file: o.path, records } };
  },
  async *collect(ctx) {
    const { records, file } = ctx.target;
    for (let i = 0; i < records.length; i += 5000) yield { records: records.slice(i, i + 5000) };
    return {
      cursor: new Date().toISOString(),
      facts: {
        file,
        rows: records.length,
        friction: records.filter((r) => r.sentiment === 'friction').length,
        authored: records.filter((r) => r.author !== null).length,
      },
    };
  },
} satisfies Collector<typeof options, FeedbackTarget>;
