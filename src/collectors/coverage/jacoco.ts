import { finish, OpenFile } from './file-coverage.js';
import type { ReportSink } from './sink.js';
import { BadValue, countAttr, epochMs, readXml, type Attrs, type XmlHandler } from './xml.js';

/**
 * JaCoCo's XML report: report > (group >)* package[name="com/acme"] > sourcefile[name] > line[nr,
 * mi, ci, mb, cb]. A line is executable when it has instructions (mi + ci > 0) and covered when
 * one ran (ci > 0); its branches are mb + cb, cb covered. The per-class and per-method counters
 * repeat these and are not read. Paths are `package/sourcefile`, looked for under the source
 * roots (JaCoCo does not record them).
 */
class JacocoHandler implements XmlHandler {
  readonly root = 'report';
  private pkg: string | null = null;
  private current: { name: string; file: OpenFile } | null = null;

  constructor(
    private readonly sink: ReportSink,
    private readonly sourceRoots: readonly string[],
  ) {}

  open(name: string, attrs: Attrs, stack: readonly string[]): void {
    if (name === 'sessioninfo') {
      const at = epochMs(attrs.start);
      if (at) this.sink.writtenAt(at);
    } else if (name === 'package') this.pkg = (attrs.name ?? '').trim();
    else if (name === 'sourcefile' && stack.at(-1) === 'package') {
      const file = attrs.name?.trim();
      if (!file) throw new BadValue('has no name="...": which source file it covers');
      this.current = { name: this.pkg ? `${this.pkg}/${file}` : file, file: new OpenFile() };
    } else if (name === 'line' && this.current && stack.at(-1) === 'sourcefile') {
      const nr = countAttr(attrs, 'nr');
      if (nr < 1) throw new BadValue(`nr="${attrs.nr}": lines count from 1`);
      const mi = countAttr(attrs, 'mi', 0);
      const ci = countAttr(attrs, 'ci', 0);
      const mb = countAttr(attrs, 'mb', 0);
      const cb = countAttr(attrs, 'cb', 0);
      if (mi + ci > 0) this.current.file.line(nr, ci);
      if (mb + cb > 0) this.current.file.branch(String(nr), cb, mb + cb);
    }
  }

  close(name: string): void {
    if (name === 'sourcefile' && this.current) {
      this.sink.file(this.current.name, this.sourceRoots, finish(this.current.file));
      this.current = null;
    } else if (name === 'package') this.pkg = null;
  }
}

export function readJacoco(path: string, shown: string, sink: ReportSink, sourceRoots: readonly string[]) {
  return readXml(path, shown, 'jacoco', new JacocoHandler(sink, sourceRoots));
}
