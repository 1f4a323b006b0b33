import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseReportFile, scanReport, type ReportSummary } from './parse.js';
import type { ParsedCase, ParsedReport } from './report.js';

export interface ReadReport {
  report: ParsedReport;
  /** The file's mtime: when the runner wrote it. */
  writtenAt: Date;
}

/** A report file read once to its end: what it holds, without its cases. */
export interface ScannedReport {
  /** Absolute path, to read it again. */
  file: string;
  summary: ReportSummary;
  writtenAt: Date;
}

/** How a report is named in messages: relative to cwd when it lies below it. */
function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file) || file;
  return rel.startsWith('..') ? file : rel;
}

/**
 * Parses every file completely before returning any: one malformed file fails the whole
 * collection with its file:line:column, so an invocation is all-or-nothing (a CI step that
 * uploads half its reports would make the other half look like missing tests).
 */
export async function readReports(files: readonly string[], cwd: string): Promise<ReadReport[]> {
  const out: ReadReport[] = [];
  for (const f of files) {
    const report = await parseReportFile(f, shown(f, cwd));
    out.push({ report, writtenAt: (await stat(f)).mtime });
  }
  return out;
}

/**
 * The first of a streaming collection's two passes: reads every file to its end (any malformed
 * one throws before anything is written) and hands each case to `onCase`, keeping none.
 */
export async function scanReports(
  files: readonly string[],
  cwd: string,
  onCase: (c: ParsedCase) => void,
): Promise<ScannedReport[]> {
  const out: ScannedReport[] = [];
  for (const file of files) {
    const summary = await scanReport(file, shown(file, cwd), onCase);
    out.push({ file, summary, writtenAt: (await stat(file)).mtime });
  }
  return out;
}
