import { finish, OpenFile } from './file-coverage.js';
import type { ReportSink } from './sink.js';
import { BadValue, countAttr, epochMs, readXml, type Attrs, type XmlHandler } from './xml.js';

/**
 * Cobertura XML as istanbul/c8, coverage.py, gcovr and the Cobertura plugins write it:
 * coverage > sources > source (the folders `filename`s are relative to) and
 * coverage > packages > package > classes > class[filename] > lines > line[number, hits,
 * branch, condition-coverage="50% (1/2)"]. The lines under a class's <methods> repeat its own
 * and are not counted again. Classes naming one file (inner classes) are merged.
 */
class CoberturaHandler implements XmlHandler {
  readonly root = 'coverage';
  private readonly sources: string[] = [];
  private sourceText: string | null = null;
  private current: { filename: string; file: OpenFile } | null = null;

  constructor(private readonly sink: ReportSink) {}

  open(name: string, attrs: Attrs, stack: readonly string[]): void {
    if (name === 'coverage' && !stack.length) {
      const at = epochMs(attrs.timestamp);
      if (at) this.sink.writtenAt(at);
    } else if (name === 'source' && stack.at(-1) === 'sources') this.sourceText = '';
    else if (name === 'class') {
      const filename = attrs.filename?.trim();
      if (!filename) throw new BadValue('has no filename="...": which source file it covers');
      this.current = { filename, file: new OpenFile() };
    } else if (name === 'line' && this.current && stack.at(-1) === 'lines' && stack.at(-2) === 'class') {
      const n = countAttr(attrs, 'number');
      if (n < 1) throw new BadValue(`number="${attrs.number}": lines count from 1`);
      this.current.file.line(n, countAttr(attrs, 'hits'));
      if (attrs.branch === 'true') {
        const cc = attrs['condition-coverage'];
        const m = cc ? /\((\d+)\/(\d+)\)/.exec(cc) : null;
        if (cc && !m) throw new BadValue(`condition-coverage="${cc}" is not "NN% (covered/total)"`);
        if (m) {
          const covered = Number(m[1]);
          const total = Number(m[2]);
          if (covered > total) throw new BadValue(`condition-coverage="${cc}" covers more than its total`);
          this.current.file.branch(String(n), covered, total);
        }
      }
    }
  }

  text(t: string): void {
    if (this.sourceText !== null) this.sourceText += t;
  }

  close(name: string): void {
    if (name === 'source' && this.sourceText !== null) {
      const s = this.sourceText.trim();
      if (s) this.sources.push(s);
      this.sourceText = null;
    } else if (name === 'class' && this.current) {
      this.sink.file(this.current.filename, this.sources.length ? this.sources : ['.'], finish(this.current.file));
      this.current = null;
    }
  }
}

export function readCobertura(path: string, shown: string, sink: ReportSink): Promise<void> {
  return readXml(path, shown, 'cobertura', new CoberturaHandler(sink));
}
