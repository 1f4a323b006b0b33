import { formatRanges, rangeSize, rangesOf, type Ranges } from '../../domain/line-ranges.js';

/** One source file while its record (lcov), class (Cobertura) or sourcefile (JaCoCo) is read. */
export class OpenFile {
  /** Line number to hit count; a line absent here is not executable. */
  readonly lines = new Map<number, number>();
  /** Branch key to [covered, total]; keys are the format's own (lcov: line/block/branch). */
  readonly branches = new Map<string, [number, number]>();
  /** lcov's LF/LH/BRF/BRH, used only when the record lists no DA/BRDA lines. */
  declared: { lf?: number; lh?: number; brf?: number; brh?: number } = {};

  line(n: number, hits: number): void {
    this.lines.set(n, (this.lines.get(n) ?? 0) + hits);
  }

  branch(key: string, covered: number, total: number): void {
    const old = this.branches.get(key);
    this.branches.set(key, old ? [Math.max(old[0], covered), Math.max(old[1], total)] : [covered, total]);
  }
}

/**
 * A file once read: its lines as ranges, not one entry per line, so a report of a large code
 * base is held as a few ranges per file. Branches keep their keys so that two records of one
 * file (lcov's per-test records, Cobertura's inner classes) merge without double counting.
 */
export interface FileResult {
  covered: Ranges;
  uncovered: Ranges;
  branches: Map<string, [number, number]>;
  /** Totals a record declared without listing lines (lcov LF/LH only). */
  declared: { lines: [number, number] | null; branches: [number, number] | null };
}

function expand(r: Ranges, into: Map<number, boolean>, covered: boolean): void {
  for (const [a, b] of r) for (let n = a; n <= b; n++) into.set(n, covered || (into.get(n) ?? false));
}

export function finish(f: OpenFile): FileResult {
  const covered: number[] = [];
  const uncovered: number[] = [];
  for (const [n, hits] of f.lines) (hits > 0 ? covered : uncovered).push(n);
  const d = f.declared;
  return {
    covered: rangesOf(covered),
    uncovered: rangesOf(uncovered),
    branches: f.branches,
    declared: {
      lines: !f.lines.size && d.lf !== undefined ? [d.lh ?? 0, d.lf] : null,
      branches: !f.branches.size && d.brf !== undefined ? [d.brh ?? 0, d.brf] : null,
    },
  };
}

/** Two reads of one file: a line is covered if either covered it; branches by key, the better. */
export function merge(a: FileResult, b: FileResult): FileResult {
  const lines = new Map<number, boolean>();
  expand(a.uncovered, lines, false);
  expand(b.uncovered, lines, false);
  expand(a.covered, lines, true);
  expand(b.covered, lines, true);
  const branches = new Map(a.branches);
  for (const [k, [c, t]] of b.branches) {
    const old = branches.get(k);
    branches.set(k, old ? [Math.max(old[0], c), Math.max(old[1], t)] : [c, t]);
  }
  const sum = (x: [number, number] | null, y: [number, number] | null): [number, number] | null =>
    x && y ? [Math.max(x[0], y[0]), Math.max(x[1], y[1])] : (x ?? y);
  return {
    covered: rangesOf([...lines].filter(([, c]) => c).map(([n]) => n)),
    uncovered: rangesOf([...lines].filter(([, c]) => !c).map(([n]) => n)),
    branches,
    declared: { lines: sum(a.declared.lines, b.declared.lines), branches: sum(a.declared.branches, b.declared.branches) },
  };
}

export interface FileTotals {
  lines_covered: number;
  lines_total: number;
  branches_covered: number;
  branches_total: number;
  covered_lines: string;
  uncovered_lines: string;
}

export function totals(f: FileResult): FileTotals {
  let bc = 0;
  let bt = 0;
  for (const [c, t] of f.branches.values()) {
    bc += c;
    bt += t;
  }
  const covered = rangeSize(f.covered);
  const lines = f.declared.lines ?? [covered, covered + rangeSize(f.uncovered)];
  const branches = f.declared.branches ?? [bc, bt];
  return {
    lines_covered: lines[0],
    lines_total: lines[1],
    branches_covered: branches[0],
    branches_total: branches[1],
    covered_lines: formatRanges(f.covered),
    uncovered_lines: formatRanges(f.uncovered),
  };
}
