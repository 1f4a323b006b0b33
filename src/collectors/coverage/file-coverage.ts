import { formatRanges, parseRanges, rangesOf, type Ranges } from '../../domain/line-ranges.js';

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
 * A file once read: its lines as range text ("1-3,7"), not one entry per line, so a report of a
 * large code base is held as a short string per file. Branches keep their keys so that two
 * records of one file (lcov's per-test records, Cobertura's inner classes) merge without double
 * counting.
 */
export interface FileResult {
  covered: string;
  uncovered: string;
  coveredCount: number;
  uncoveredCount: number;
  /** Branch keys with their [covered, total], packed as "key\tc\tt\n" text (see packBranches). */
  branches: string;
  branchCounts: [number, number];
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
    covered: formatRanges(rangesOf(covered)),
    uncovered: formatRanges(rangesOf(uncovered)),
    coveredCount: covered.length,
    uncoveredCount: uncovered.length,
    branches: packBranches(f.branches),
    branchCounts: countBranches(f.branches),
    declared: {
      lines: !f.lines.size && d.lf !== undefined ? [d.lh ?? 0, d.lf] : null,
      branches: !f.branches.size && d.brf !== undefined ? [d.brh ?? 0, d.brf] : null,
    },
  };
}

/** Two reads of one file: a line is covered if either covered it; branches by key, the better. */
export function merge(a: FileResult, b: FileResult): FileResult {
  const lines = new Map<number, boolean>();
  expand(parseRanges(a.uncovered), lines, false);
  expand(parseRanges(b.uncovered), lines, false);
  expand(parseRanges(a.covered), lines, true);
  expand(parseRanges(b.covered), lines, true);
  const branches = unpackBranches(a.branches);
  for (const [k, [c, t]] of unpackBranches(b.branches)) {
    const old = branches.get(k);
    branches.set(k, old ? [Math.max(old[0], c), Math.max(old[1], t)] : [c, t]);
  }
  const sum = (x: [number, number] | null, y: [number, number] | null): [number, number] | null =>
    x && y ? [Math.max(x[0], y[0]), Math.max(x[1], y[1])] : (x ?? y);
  const covered = [...lines].filter(([, c]) => c).map(([n]) => n);
  const uncovered = [...lines].filter(([, c]) => !c).map(([n]) => n);
  return {
    covered: formatRanges(rangesOf(covered)),
    uncovered: formatRanges(rangesOf(uncovered)),
    coveredCount: covered.length,
    uncoveredCount: uncovered.length,
    branches: packBranches(branches),
    branchCounts: countBranches(branches),
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
  const [bc, bt] = f.branchCounts;
  const lines = f.declared.lines ?? [f.coveredCount, f.coveredCount + f.uncoveredCount];
  const branches = f.declared.branches ?? [bc, bt];
  return {
    lines_covered: lines[0],
    lines_total: lines[1],
    branches_covered: branches[0],
    branches_total: branches[1],
    covered_lines: f.covered,
    uncovered_lines: f.uncovered,
  };
}

/** Packed as text: a Map entry per branch would cost far more than the report's own bytes. */
function packBranches(m: ReadonlyMap<string, [number, number]>): string {
  let out = '';
  for (const [k, [c, t]] of m) out += `${k}\t${c}\t${t}\n`;
  return out;
}

function unpackBranches(s: string): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  for (const line of s.split('\n')) {
    if (!line) continue;
    const [k, c, t] = line.split('\t');
    m.set(k!, [Number(c), Number(t)]);
  }
  return m;
}

function countBranches(m: ReadonlyMap<string, [number, number]>): [number, number] {
  let c = 0;
  let t = 0;
  for (const [bc, bt] of m.values()) {
    c += bc;
    t += bt;
  }
  return [c, t];
}
