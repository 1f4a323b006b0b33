/**
 * DogStatsD line parsing: `name:value[:value...]|type[|@rate][|#k:v,k2][|T<unix s>][|c:<container>]`.
 *
 * A packet holds lines separated by newlines. Events (`_e{..}`) and service checks (`_sc|`) are
 * acknowledged, not stored yet: the client that sends them must not see errors for them. A
 * malformed line yields a reason and never throws, so one bad client cannot stop the intake.
 */

export type StatsdType = 'c' | 'g' | 'ms' | 'h' | 'd' | 's';
const TYPES: ReadonlySet<string> = new Set(['c', 'g', 'ms', 'h', 'd', 's']);

export interface StatsdSample {
  name: string;
  type: StatsdType;
  /** Numbers for every type but sets; a set's members are kept as text (they are identities). */
  values: number[];
  setMembers: string[];
  /** A gauge written `+3` or `-3` moves the last value instead of replacing it. */
  gaugeDelta: boolean;
  sampleRate: number;
  /** Sorted by key then value, `k:v` or a bare `k` (value ''). */
  tags: [string, string][];
  /** The client's own timestamp (DogStatsD `|T`), unix seconds; null when absent. */
  timestamp: number | null;
  container: string | null;
}

export type ParsedLine =
  | { kind: 'metric'; sample: StatsdSample }
  | { kind: 'event' }
  | { kind: 'service_check' }
  | { kind: 'empty' }
  | { kind: 'malformed'; line: string; reason: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function malformed(line: string, reason: string): ParsedLine {
  return { kind: 'malformed', line: line.length > 200 ? `${line.slice(0, 200)}…` : line, reason };
}

/** Tags `a:1,b,c:x:y` -> sorted pairs; the first ':' splits key from value (values may hold ':'). */
export function parseTags(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(',')) {
    const t = raw.trim();
    if (!t) continue;
    const i = t.indexOf(':');
    out.push(i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)]);
  }
  return out.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
}

/**
 * Parsed tags by their text: a client sends the same few tag strings over and over, so each is
 * parsed and sorted once. The arrays are shared between samples (never mutate a sample's tags),
 * which also lets the aggregator recognise a tag set by identity. Cleared when full, so a flood
 * of distinct tags costs memory only up to the bound.
 */
const tagCache = new Map<string, [string, string][]>();
const TAG_CACHE_MAX = 50_000;
function cachedTags(text: string): [string, string][] {
  let tags = tagCache.get(text);
  if (!tags) {
    if (tagCache.size >= TAG_CACHE_MAX) tagCache.clear();
    tags = parseTags(text);
    tagCache.set(text, tags);
  }
  return tags;
}

export function parseLine(input: string): ParsedLine {
  const line = input.trim();
  if (!line) return { kind: 'empty' };
  if (line.startsWith('_e{')) {
    return /^_e\{\d+,\d+\}:/.test(line)
      ? { kind: 'event' }
      : malformed(line, 'event header is not _e{title_len,text_len}:');
  }
  if (line.startsWith('_sc|')) {
    return line.split('|').length >= 3
      ? { kind: 'service_check' }
      : malformed(line, 'service check needs _sc|name|status');
  }
  const fields = line.split('|');
  const head = fields[0]!;
  const colon = head.indexOf(':');
  if (colon <= 0) return malformed(line, 'expected name:value before the first |');
  if (fields.length < 2) return malformed(line, 'missing |type');
  const name = head.slice(0, colon);
  const type = fields[1]!;
  if (!TYPES.has(type)) return malformed(line, `unknown type "${type}" (expected c, g, ms, h, d or s)`);
  const rawValues = head.slice(colon + 1).split(':');
  const sample: StatsdSample = {
    name,
    type: type as StatsdType,
    values: [],
    setMembers: [],
    gaugeDelta: false,
    sampleRate: 1,
    tags: [],
    timestamp: null,
    container: null,
  };
  for (const v of rawValues) {
    if (v === '') return malformed(line, 'empty value');
    if (type === 's') {
      sample.setMembers.push(v);
      continue;
    }
    if (!NUMBER.test(v)) return malformed(line, `value "${v}" is not a number`);
    const n = Number(v);
    if (!Number.isFinite(n)) return malformed(line, `value "${v}" is not finite`);
    sample.values.push(n);
  }
  if (type === 'g' && /^[+-]/.test(rawValues[0]!)) sample.gaugeDelta = true;
  for (const f of fields.slice(2)) {
    if (f.startsWith('@')) {
      const r = Number(f.slice(1));
      if (!NUMBER.test(f.slice(1)) || !(r > 0 && r <= 1))
        return malformed(line, `sample rate "${f}" is not in (0, 1]`);
      sample.sampleRate = r;
    } else if (f.startsWith('#')) {
      sample.tags = cachedTags(f.slice(1));
    } else if (f.startsWith('T')) {
      const ts = Number(f.slice(1));
      if (!/^\d+$/.test(f.slice(1)) || !Number.isSafeInteger(ts))
        return malformed(line, `timestamp "${f}" is not unix seconds`);
      sample.timestamp = ts;
    } else if (f.startsWith('c:')) {
      sample.container = f.slice(2) || null;
    } else if (f === '') {
      return malformed(line, 'empty | field');
    }
    // Other fields (e.g. DogStatsD 1.3 `e:` external data) are unknown extensions: ignored, not errors.
  }
  return { kind: 'metric', sample };
}

/** Every line of a packet (newline-separated; a trailing newline is allowed). */
export function parsePacket(packet: string): ParsedLine[] {
  return packet
    .split('\n')
    .map(parseLine)
    .filter((p) => p.kind !== 'empty');
}
