/**
 * Text from bytes, strictly: invalid UTF-8 is an error, never U+FFFD. Replacing made two
 * distinct ids one (and the first record lost), so bytes that are no text are refused instead.
 */
export class InvalidUtf8 extends Error {
  constructor(readonly offset: number) {
    super(`invalid UTF-8 at byte offset ${offset}`);
  }
}

/** Decodes the bytes as UTF-8, or throws InvalidUtf8 naming the first bad byte's offset. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidUtf8(firstInvalidUtf8(bytes));
  }
}

/**
 * Offset of the first byte that is not valid UTF-8: a stray byte, or the start of a character
 * that is cut short (at the end too).
 * A prefix that decodes in stream mode (an incomplete last character waits for more) stays
 * valid when shortened, so the longest such prefix is found by bisection.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const ok = (n: number, stream = true) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  // Bytes before lo decode, the one at lo fails: the error is there, or at the start of the
  // character it leaves unfinished.
  if (ok(lo, false)) return lo;
  let start = lo - 1;
  while (start > 0 && (bytes[start]! & 0xc0) === 0x80) start--;
  return start;
}
