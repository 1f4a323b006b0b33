import { parse } from 'csv-parse/sync';
import { invalidArgument } from '../../errors/errors.js';

/** One record of the file and the line it ends on (for messages: quoted cells may span lines). */
export interface CsvRow {
  cells: string[];
  line: number;
}

/**
 * The whole file as rows, every one as wide as the first. A broken quote or a row of another
 * width is refused with its line: an export cut short or edited by hand, not something to guess.
 */
export function readCsvRows(text: string, file: string, delimiter = ','): CsvRow[] {
  try {
    const out = parse(text, {
      bom: true,
      delimiter,
      info: true,
      skip_empty_lines: true,
      relax_quotes: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return out.map((r) => ({ cells: r.record, line: r.info.lines }));
  } catch (e) {
    const err = e as { message: string; lines?: number };
    throw invalidArgument(
      `${file}${err.lines ? `:${err.lines}` : ''}: not a well-formed CSV file (${err.message}); nothing was written. ` +
        'Export it again, or fix the line (each row needs as many cells as the header, quotes closed)',
      { file, line: err.lines ?? null },
    );
  }
}
