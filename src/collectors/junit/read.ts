import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseReportFile } from './parse.js';
import type { ParsedReport } from './report.js';

export interface ReadReport {
  report: ParsedReport;
  /** The file's mtime: when the runner wrote it. */
  writtenAt: Date;
}

/**
 * Parses every file completely before returning any: one malformed file fails the whole
 * collection with its file:line, so an invocation is all-or-nothing (a CI step that uploads
 * half its reports would make the other half look like missing tests).
 */
export async function readReports(files: readonly string[], cwd: string): Promise<ReadReport[]> {
  const out: ReadReport[] = [];
  for (const f of files) {
    const shown = relative(cwd, f) || f;
    const report = await parseReportFile(f, shown.startsWith('..') ? f : shown);
    out.push({ report, writtenAt: (await stat(f)).mtime });
  }
  return out;
}
