import type { FileResult } from './file-coverage.js';

/** Where a format reader hands each file it finished and what else it learnt of the report. */
export interface ReportSink {
  /** `raw`: the path as the tool wrote it; `bases`: the folders a relative path is under. */
  file(raw: string, bases: readonly string[], result: FileResult): void;
  /** The report's own time stamp, epoch ms. */
  writtenAt(ms: number): void;
}
