import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import { invalidArgument, PitwallError } from '../../errors/errors.js';
import type { FormatHandler } from './format.js';
import { JunitHandler } from './junit-format.js';
import { NunitHandler, XunitNetHandler } from './nunit-format.js';
import type { ParsedCase, ParsedReport, ReportFormat } from './report.js';

const ROOTS: Record<string, ReportFormat> = {
  testsuites: 'junit',
  testsuite: 'junit',
  'test-run': 'nunit',
  'test-results': 'nunit',
  assemblies: 'xunit',
  assembly: 'xunit',
};

/**
 * Problems a lenient reader (xml2js, the writers' own tools) accepts and whose meaning is
 * unambiguous: web-test-runner writes `time="<<computed>>"`. Anything structural (unclosed or
 * mismatched tags, a truncated file, text after the root) is still fatal.
 */
const TOLERATED = new Set(['disallowed character.']);

function handlerFor(format: ReportFormat, emit: (c: ParsedCase) => void): FormatHandler {
  if (format === 'nunit') return new NunitHandler(emit);
  if (format === 'xunit') return new XunitNetHandler(emit);
  return new JunitHandler(emit);
}

/**
 * Streams one report through a SAX parser, so a 100 MB report never sits in memory as a DOM;
 * its cases are buffered and returned only once the whole file has parsed, so a malformed or
 * truncated file yields an error naming the file and line, and no records at all.
 */
export async function parseReportFile(path: string, displayPath = path): Promise<ParsedReport> {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const cases: ParsedCase[] = [];
  const warnings: string[] = [];
  const stack: string[] = [];
  // Held in an object: the SAX callbacks assign it, which TypeScript's narrowing cannot see.
  const st: { format: ReportFormat | null; handler: FormatHandler | null; fatal: PitwallError | null } = {
    format: null,
    handler: null,
    fatal: null,
  };

  const fail = (reason: string) =>
    invalidArgument(`${displayPath}:${parser.line}: ${reason}`, {
      file: displayPath,
      line: parser.line,
      column: parser.column + 1,
    });
  parser.on('error', (e) => {
    // saxes prefixes "line:column: "; we say it our way.
    const reason = e.message.replace(/^\d+:\d+:\s*/, '');
    if (TOLERATED.has(reason)) warnings.push(`${displayPath}:${parser.line}: ${reason}`);
    else st.fatal ??= fail(reason);
  });
  parser.on('opentag', (tag) => {
    if (st.fatal) return;
    if (!st.handler) {
      st.format = ROOTS[tag.name] ?? null;
      if (!st.format) {
        st.fatal = fail(`<${tag.name}> is not a JUnit, NUnit or xUnit.net report root`);
        return;
      }
      st.handler = handlerFor(st.format, (c) => cases.push(c));
    }
    st.handler.open(tag.name, tag.attributes, stack.at(-1));
    stack.push(tag.name);
  });
  parser.on('closetag', (tag) => {
    if (st.fatal || !st.handler) return;
    stack.pop();
    st.handler.close(tag.name);
  });

  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream) {
      parser.write(chunk as string);
      if (st.fatal) break;
    }
    if (!st.fatal) parser.close();
  } catch (e) {
    if (e instanceof PitwallError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw invalidArgument(`${displayPath}: cannot read the report (${code ?? (e as Error).message})`);
  } finally {
    stream.destroy();
  }
  if (st.fatal) throw st.fatal;
  if (!st.format)
    throw invalidArgument(`${displayPath}:${parser.line}: empty document, no report root element`);
  return { path: displayPath, format: st.format, cases, warnings };
}
