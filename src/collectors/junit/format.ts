import type { ParsedCase } from './report.js';

/** A SAX handler for one report dialect; the parser picks it by the document's root element. */
export interface FormatHandler {
  open(name: string, attrs: Readonly<Record<string, string>>, parent: string | undefined): void;
  close(name: string): void;
}

export type Emit = (c: ParsedCase) => void;
export type Attrs = Readonly<Record<string, string>>;

/** Attribute lookup that treats empty strings as absent: runners write `file=""` for unknown. */
export function attr(attrs: Attrs, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = attrs[n]?.trim();
    if (v) return v;
  }
  return undefined;
}
