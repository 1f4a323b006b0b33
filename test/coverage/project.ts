import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const C8 = resolve('node_modules/.bin/c8');

/** A tiny library: add and the positive branch of sign run, unused never does. */
export const CALC = `function add(a, b) {
  return a + b;
}
function sign(n) {
  if (n > 0) {
    return 1;
  } else if (n < 0) {
    return -1;
  }
  return 0;
}
function unused() {
  return 'never';
}
module.exports = { add, sign, unused };
`;

export const TEST = `const { add, sign } = require('./lib/calc.js');
if (add(1, 2) !== 3) throw new Error('add');
if (sign(5) !== 1) throw new Error('sign');
`;

export interface C8Summary {
  lines: { total: number; covered: number };
  branches: { total: number; covered: number };
}

/**
 * Runs c8 (V8's own coverage, as `npx c8 npm test` does) over `test` in `dir`, writing lcov,
 * Cobertura and c8's json-summary into dir/coverage; returns c8's totals and per-file summary.
 */
export function runC8(dir: string, test = 'test.js'): { total: C8Summary; files: Record<string, C8Summary> } {
  execFileSync(
    process.execPath,
    [C8, '--reporter=lcov', '--reporter=cobertura', '--reporter=json-summary', '--reporter=text-summary', 'node', test],
    // c8 reads no config of the user's: only the flags above.
    { cwd: dir, stdio: 'pipe', env: { PATH: process.env.PATH, HOME: dir } },
  );
  const summary = JSON.parse(readFileSync(join(dir, 'coverage', 'coverage-summary.json'), 'utf8')) as Record<
    string,
    C8Summary
  >;
  const { total, ...files } = summary;
  return { total: total!, files };
}

export function writeProject(dir: string, calc = CALC, test = TEST): void {
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'lib', 'calc.js'), calc);
  writeFileSync(join(dir, 'test.js'), test);
}
