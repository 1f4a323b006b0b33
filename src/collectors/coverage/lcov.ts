import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { invalidArgument, PitwallError } from '../../errors/errors.js';
import { finish, OpenFile } from './file-coverage.js';
import type { ReportSink } from './sink.js';

const COUNT = /^\d+$/;

/**
 * Reads an lcov tracefile (c8, istanbul/nyc, llvm-cov export -format=lcov, lcov/geninfo 1.x and
 * 2.x) a line at a time: SF starts a file's record, DA and BRDA give its lines and branches,
 * LF/LH/BRF/BRH its totals (used only when it lists no lines), end_of_record closes it. Other
 * records (TN, FN, FNDA, FNF, FNH, VER, FNL, FNA, MCDC) are accepted and not used. Anything
 * else, a bad number or a file ending inside a record fails at file:line.
 */
export async function readLcov(path: string, shown: string, sink: ReportSink): Promise<void> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  let current: { sf: string; file: OpenFile; at: number } | null = null;
  let records = 0;
  const fail = (reason: string) => invalidArgument(`${shown}:${n}: ${reason}`, { file: shown, line: n });
  const count = (v: string | undefined, what: string, allowDash = false): number => {
    if (allowDash && v === '-') return 0;
    if (v === undefined || !COUNT.test(v)) throw fail(`${what} ${JSON.stringify(v ?? '')} is not a count`);
    return Number(v);
  };
  try {
    for await (const raw of lines) {
      n++;
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const colon = line.indexOf(':');
      const tag = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1);
      if (tag === 'end_of_record') {
        if (!current) throw fail('end_of_record without an SF: record before it');
        sink.file(current.sf, [], finish(current.file));
        current = null;
        continue;
      }
      if (!/^[A-Z][A-Z0-9_]*$/.test(tag) || colon < 0) {
        const hint = /^\s*</.test(line)
          ? ' (this looks like XML: pass --format cobertura or --format jacoco)'
          : /^\s*[{[]/.test(line)
            ? ' (this looks like JSON: write an lcov report, e.g. c8 --reporter=lcov)'
            : '';
        throw fail(`not an lcov line: ${JSON.stringify(line.slice(0, 60))}${hint}`);
      }
      if (tag === 'SF') {
        if (current) throw fail(`SF: inside the record for ${current.sf}, which has no end_of_record`);
        if (!value) throw fail('SF: names no file');
        current = { sf: value, file: new OpenFile(), at: n };
        records++;
        continue;
      }
      if (tag === 'TN' || tag === 'VER') continue;
      if (!current) throw fail(`${tag}: outside a file's record (no SF: line before it)`);
      const f = current.file;
      const parts = value.split(',');
      switch (tag) {
        case 'DA': {
          if (parts.length < 2) throw fail(`DA:${value}: expected DA:<line>,<hits>`);
          const ln = count(parts[0], 'line number');
          if (ln < 1) throw fail('line number 0: lines count from 1');
          f.line(ln, count(parts[1], 'hit count'));
          break;
        }
        case 'BRDA': {
          // lcov 2 lets the branch be an expression holding commas: line, block, ..., taken.
          if (parts.length < 4) throw fail(`BRDA:${value}: expected BRDA:<line>,<block>,<branch>,<taken>`);
          const ln = count(parts[0], 'line number');
          const taken = count(parts.at(-1), 'taken count', true);
          f.branch(`${ln}:${parts.slice(1, -1).join(',')}`, taken > 0 ? 1 : 0, 1);
          break;
        }
        case 'LF':
          f.declared.lf = count(value, 'LF');
          break;
        case 'LH':
          f.declared.lh = count(value, 'LH');
          break;
        case 'BRF':
          f.declared.brf = count(value, 'BRF');
          break;
        case 'BRH':
          f.declared.brh = count(value, 'BRH');
          break;
        default:
          // FN, FNDA, FNF, FNH, FNL, FNA, MCDC and later additions: functions are not counted.
          break;
      }
    }
  } catch (e) {
    if (!(e instanceof PitwallError) && (e as NodeJS.ErrnoException).code)
      throw invalidArgument(`${shown}: cannot read the report (${(e as NodeJS.ErrnoException).code})`);
    throw e;
  }
  if (current)
    throw invalidArgument(
      `${shown}:${n}: the file ends inside the record for ${current.sf} (opened at line ${current.at}) with no end_of_record: is it truncated?`,
      { file: shown, line: n },
    );
  if (!records) throw invalidArgument(`${shown}: holds no SF: record: not an lcov report, or an empty one`);
}
