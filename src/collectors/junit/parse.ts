import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { SaxesParser } from 'saxes';
import { invalidArgument, PitwallError } from '../../errors/errors.js';
import { firstInvalidUtf8 } from '../../ingest/utf8.js';
import type { FormatHandler } from './format.js';
import { JunitHandler } from './junit-format.js';
import { NunitHandler, XunitNetHandler } from './nunit-format.js';
import { type ParsedCase, type ParsedReport, type ReportFormat, type StatusCounts } from './report.js';
import { TrxDefinitions, TrxHandler } from './trx-format.js';
import { BadValue } from './values.js';

const ROOTS: Record<string, ReportFormat> = {
  testsuites: 'junit',
  testsuite: 'junit',
  'test-run': 'nunit',
  'test-suite': 'nunit',
  'test-results': 'nunit',
  assemblies: 'xunit',
  assembly: 'xunit',
  TestRun: 'trx',
};

const KNOWN_ROOTS = Object.keys(ROOTS)
  .map((r) => `<${r}>`)
  .join(', ');

/**
 * Problems a lenient reader (xml2js, the writers' own tools) accepts and whose meaning is
 * unambiguous: web-test-runner writes `time="<<computed>>"`. Anything structural (unclosed or
 * mismatched tags, a truncated file, text after the root) is still fatal.
 */
const TOLERATED = new Set(['disallowed character.']);

/** Attributes whose values the format handlers read as durations and instants (and may refuse). */
const VALUE_ATTRIBUTES = new Set([
  'time',
  'duration',
  'timestamp',
  'start-time',
  'startTime',
  'start',
  'run-date',
]);

/** The last bytes of a chunk from where its last character starts (at most 4 bytes). */
function lastCharacter(chunk: Uint8Array): Uint8Array {
  let i = chunk.length - 1;
  while (i > 0 && i > chunk.length - 4 && (chunk[i]! & 0xc0) === 0x80) i--;
  return chunk.subarray(Math.max(0, i));
}

/** What one complete pass over a report learnt. */
export interface ReportSummary {
  path: string;
  format: ReportFormat;
  cases: number;
  counts: StatusCounts;
  warnings: string[];
  /** sha256 of the file's bytes. */
  digest: string;
  /** TRX only: the test definitions a later pass joins its results to. */
  definitions: TrxDefinitions;
}

function handlerFor(
  format: ReportFormat,
  emit: (c: ParsedCase) => void,
  defs: TrxDefinitions,
): FormatHandler {
  if (format === 'nunit') return new NunitHandler(emit);
  if (format === 'xunit') return new XunitNetHandler(emit);
  if (format === 'trx') return new TrxHandler(emit, defs);
  return new JunitHandler(emit);
}

/**
 * Streams one report through a SAX parser and yields its cases a chunk (256 KB of XML) at a
 * time, so a report of any size never sits in memory. A malformed or truncated file throws
 * `file:line:column: reason`; a consumer that must write all or nothing reads every file to
 * its end before writing (see collector.ts). `definitions` carries a TRX file's test
 * definitions from an earlier pass, since they follow the results they name.
 */
export async function* readCases(
  path: string,
  displayPath = path,
  definitions = new TrxDefinitions(),
): AsyncGenerator<ParsedCase[], ReportSummary, void> {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  let pending: ParsedCase[] = [];
  const counts: StatusCounts = { passed: 0, failed: 0, error: 0, skipped: 0 };
  let cases = 0;
  const emit = (c: ParsedCase) => {
    pending.push(c);
    counts[c.status]++;
    cases++;
  };
  const warnings: string[] = [];
  const stack: string[] = [];
  // Held in an object: the SAX callbacks assign it, which TypeScript's narrowing cannot see.
  const st: { format: ReportFormat | null; handler: FormatHandler | null; fatal: PitwallError | null } = {
    format: null,
    handler: null,
    fatal: null,
  };

  // saxes' column is that of the character it stopped at, counted from 1.
  const where = () => `${displayPath}:${parser.line}:${Math.max(1, parser.column)}`;
  const fail = (reason: string, at = { line: parser.line, column: Math.max(1, parser.column) }, more = {}) =>
    invalidArgument(`${displayPath}:${at.line}:${at.column}: ${reason}`, {
      file: displayPath,
      ...at,
      ...more,
    });
  // Where the value attributes of the tag being read start, to point at one a handler refuses
  // (each tag overwrites its own, so no stale position is ever named).
  const attributeAt = new Map<string, { line: number; column: number }>();
  parser.on('attribute', (a) => {
    if (VALUE_ATTRIBUTES.has(a.name))
      attributeAt.set(a.name, {
        line: parser.line,
        // saxes stands on the closing quote: back over name="value".
        column: Math.max(1, parser.column - a.name.length - a.value.length - 2),
      });
  });
  parser.on('error', (e) => {
    // saxes prefixes "line:column: "; we say it our way.
    const reason = e.message.replace(/^\d+:\d+:\s*/, '');
    if (TOLERATED.has(reason)) warnings.push(`${where()}: ${reason}`);
    // Before any root element: not XML at all (JSON, a log, an empty file), so say what we read.
    else if (!st.format)
      st.fatal ??= fail(
        `not an XML test report (${reason.replace(/\.$/, '')}); pass JUnit, NUnit, xUnit.net or TRX reports`,
      );
    else st.fatal ??= fail(reason);
  });
  parser.on('opentag', (tag) => {
    if (st.fatal) return;
    if (!st.handler) {
      st.format = ROOTS[tag.name] ?? null;
      if (!st.format) {
        st.fatal = fail(
          `<${tag.name}> is not the root of a test report this reads (${KNOWN_ROOTS}); ` +
            'pass only JUnit, NUnit, xUnit.net or TRX reports, e.g. narrow a directory with a glob',
        );
        return;
      }
      st.handler = handlerFor(st.format, emit, definitions);
    }
    try {
      st.handler.open(tag.name, tag.attributes, stack.at(-1));
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      // One report is one run: a value that means nothing spoils it all (nothing is written).
      const name = e.attribute.split('/')[0]!;
      st.fatal = fail(`<${tag.name}> ${e.message}`, attributeAt.get(name), {
        attribute: e.attribute,
        value: e.value,
      });
      return;
    }
    stack.push(tag.name);
  });
  parser.on('closetag', (tag) => {
    if (st.fatal || !st.handler) return;
    stack.pop();
    st.handler.close(tag.name);
  });

  const hash = createHash('sha256');
  // Strict: a byte that is no character would become U+FFFD and could make two test ids one.
  let decoder: TextDecoder | undefined;
  let offset = 0;
  let tail: Uint8Array = new Uint8Array(0);
  const decode = (bytes: Uint8Array, stream: boolean) => {
    decoder ??= decoderFor(bytes, displayPath);
    try {
      return decoder.decode(bytes, { stream });
    } catch {
      if (decoder.encoding !== 'utf-8')
        throw invalidArgument(
          `${displayPath}: not valid ${decoder.encoding} (as its XML declaration says) near byte offset ${offset}`,
          { file: displayPath, offset },
        );
      // The bad byte may finish a character begun in the previous chunk: look from its start.
      const from = Buffer.concat([tail, bytes]);
      const at = offset - tail.length + firstInvalidUtf8(from);
      throw invalidArgument(
        `${displayPath}: not valid UTF-8 at byte offset ${at}; save the report as UTF-8`,
        { file: displayPath, offset: at },
      );
    }
  };
  // One buffer read into again and again: a stream's fresh 256 KB chunk per read left ~50 MB of
  // buffers awaiting collection over a 200 MB report. 64 KB, not 256: the cases of one chunk
  // are parsed at once and live until consumed, long enough for V8 to move them to its old
  // generation; an 833,000-case collection peaked ~15 MB lower, as fast (bench junit-memory).
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    try {
      file = await open(path, 'r');
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        parser.write(decode(chunk, true));
        offset += bytesRead;
        // A copy: the buffer is overwritten by the next read.
        tail = Uint8Array.from(lastCharacter(chunk));
        if (st.fatal) throw st.fatal;
        if (pending.length) {
          const out = pending;
          pending = [];
          yield out;
        }
      }
    } catch (e) {
      if (e instanceof PitwallError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw invalidArgument(`${displayPath}: cannot read the report (${code ?? (e as Error).message})`);
    }
    parser.write(decode(new Uint8Array(0), false));
    parser.close();
    if (st.fatal) throw st.fatal;
    if (!st.format) throw fail('empty document, no report root element');
    if (pending.length) yield pending;
  } finally {
    await file?.close();
  }
  return {
    path: displayPath,
    format: st.format,
    cases,
    counts,
    warnings,
    digest: hash.digest('hex'),
    definitions,
  };
}

/** Reads a report to its end, handing each case to `onCase`, and returns what it learnt. */
export async function scanReport(
  path: string,
  displayPath = path,
  onCase: (c: ParsedCase) => void = () => undefined,
  definitions?: TrxDefinitions,
): Promise<ReportSummary> {
  const gen = readCases(path, displayPath, definitions);
  for (;;) {
    const next = await gen.next();
    if (next.done) return next.value;
    for (const c of next.value) onCase(c);
  }
}

/** One report's cases in memory, for callers that need them all at once (small reports, tests). */
export async function parseReportFile(path: string, displayPath = path): Promise<ParsedReport> {
  let cases: ParsedCase[] = [];
  let summary = await scanReport(path, displayPath, (c) => cases.push(c));
  if (summary.format === 'trx') {
    // Its results came before the definitions they join: read it again with them known.
    cases = [];
    summary = await scanReport(path, displayPath, (c) => cases.push(c), summary.definitions);
  }
  const { format, warnings, digest } = summary;
  return { path: displayPath, format, cases, warnings, digest };
}

/**
 * The decoder for the encoding a report's XML declaration names (some .NET and Ant tools write
 * ISO-8859-1 or windows-1252); UTF-8 when it names none.
 */
function decoderFor(head: Uint8Array, displayPath: string): TextDecoder {
  const declaration = /^(?:\xEF\xBB\xBF)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(
    Buffer.from(head.subarray(0, 200)).toString('latin1'),
  );
  const label = declaration?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    throw invalidArgument(
      `${displayPath}: the XML declaration names encoding "${label}", which is not one Pitwall can read; save the report as UTF-8`,
      { file: displayPath, encoding: label },
    );
  }
}
