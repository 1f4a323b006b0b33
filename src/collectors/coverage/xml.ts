import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import { invalidArgument, PitwallError } from '../../errors/errors.js';

export type Attrs = Readonly<Record<string, string>>;

/** A value a handler refuses: the driver names the tag and where it is. */
export class BadValue extends Error {}

/** A SAX handler for one coverage dialect. `stack` holds the open elements above this one. */
export interface XmlHandler {
  /** The root element this dialect starts with. */
  readonly root: string;
  open(name: string, attrs: Attrs, stack: readonly string[]): void;
  close(name: string, stack: readonly string[]): void;
  text?(t: string, stack: readonly string[]): void;
}

/** Root elements of the XML reports this reads, to say which format a file is. */
const ROOT_FORMATS: Record<string, string> = {
  coverage: 'cobertura',
  report: 'jacoco',
  testsuites: 'a JUnit test report, not coverage: use pitwall collect junit',
  testsuite: 'a JUnit test report, not coverage: use pitwall collect junit',
};

/**
 * Streams an XML report through a SAX parser 256 KB at a time (a report is never held whole);
 * a malformed, truncated or foreign file fails at file:line:column and the handler is not
 * trusted past that point.
 */
export async function readXml(path: string, shown: string, format: string, handler: XmlHandler): Promise<void> {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const stack: string[] = [];
  const st: { fatal: PitwallError | null; rooted: boolean } = { fatal: null, rooted: false };
  const fail = (reason: string) =>
    invalidArgument(`${shown}:${parser.line}:${Math.max(1, parser.column)}: ${reason}`, {
      file: shown,
      line: parser.line,
      column: Math.max(1, parser.column),
    });
  parser.on('error', (e) => {
    const reason = e.message.replace(/^\d+:\d+:\s*/, '');
    st.fatal ??= st.rooted
      ? fail(reason)
      : fail(`not an XML coverage report (${reason.replace(/\.$/, '')}); pass a ${format} report or the --format it is`);
  });
  parser.on('opentag', (tag) => {
    if (st.fatal) return;
    if (!st.rooted) {
      if (tag.name !== handler.root) {
        const is = ROOT_FORMATS[tag.name];
        st.fatal = fail(
          `<${tag.name}> is not the root of a ${format} report (<${handler.root}>)` +
            (is ? `; this looks like ${is.includes(' ') ? is : `a ${is} report: pass --format ${is}`}` : ''),
        );
        return;
      }
      st.rooted = true;
    }
    try {
      handler.open(tag.name, tag.attributes, stack);
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      st.fatal = fail(`<${tag.name}> ${e.message}`);
      return;
    }
    stack.push(tag.name);
  });
  parser.on('text', (t) => {
    if (!st.fatal && handler.text) handler.text(t, stack);
  });
  parser.on('closetag', (tag) => {
    if (st.fatal || !st.rooted) return;
    stack.pop();
    try {
      handler.close(tag.name, stack);
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      st.fatal = fail(`</${tag.name}> ${e.message}`);
    }
  });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream) {
      let text: string;
      try {
        text = decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        throw invalidArgument(`${shown}: not valid UTF-8 in the 256 KB from byte offset ${offset}`, { file: shown });
      }
      if (!offset) {
        // Not XML at all (an lcov file, JSON): say so at its first line, not where saxes gives up.
        const first = /^\uFEFF?\s*(\S?)/.exec(text)?.[1];
        if (first && first !== '<')
          throw invalidArgument(
            `${shown}:1:1: not an XML coverage report (it starts with ${JSON.stringify(text.trim().slice(0, 20))})` +
              (/^(TN|SF|VER):/m.test(text) ? '; it looks like lcov: pass --format lcov' : `; pass a ${format} report`),
            { file: shown, line: 1, column: 1 },
          );
      }
      offset += (chunk as Buffer).length;
      parser.write(text);
      if (st.fatal) throw st.fatal;
    }
    parser.close();
    if (st.fatal) throw st.fatal;
    if (!st.rooted) throw invalidArgument(`${shown}: empty document, no <${handler.root}> root element`);
  } catch (e) {
    if (e instanceof PitwallError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw invalidArgument(`${shown}: cannot read the report (${code ?? (e as Error).message})`);
  } finally {
    stream.destroy();
  }
}

/** A non-negative integer attribute; `fallback` when absent. */
export function countAttr(attrs: Attrs, name: string, fallback?: number): number {
  const v = attrs[name]?.trim();
  if (v === undefined || v === '') {
    if (fallback !== undefined) return fallback;
    throw new BadValue(`has no ${name}="..."`);
  }
  // coverage.py and some gcovr versions write hits as "1.0"; a fraction is no count.
  if (!/^\d+(\.0+)?$/.test(v)) throw new BadValue(`${name}="${v}" is not a count`);
  return Number(v.split('.')[0]);
}

/** Report timestamps: seconds (gcovr) or milliseconds (istanbul, coverage.py, JaCoCo). */
export function epochMs(v: string | undefined): number | null {
  if (!v || !/^\d+(\.\d+)?$/.test(v.trim())) return null;
  const n = Number(v);
  if (!n) return null;
  return n < 1e11 ? n * 1000 : n;
}
