import { DDSketch } from '@datadog/sketches-js';
import { invalidArgument } from '../errors/errors.js';

/** The relative accuracy of sketches Pitwall builds itself (the StatsD listener's too). */
export const ROLLUP_ACCURACY = 0.01;

export function decodeSketch(base64: string): DDSketch {
  return DDSketch.fromProto(Buffer.from(base64, 'base64'));
}

export function encodeSketch(s: DDSketch): string {
  return Buffer.from(s.toProto()).toString('base64');
}

/**
 * Merges sketches of one series. The first is decoded as it is and the rest merged into it, so a
 * merge of merges gives what one merge of all of them gives. Sketches of different accuracies
 * cannot merge (their buckets differ): that is refused, naming the series.
 */
export class SketchMerger {
  private sketch: DDSketch | null = null;
  constructor(private readonly what: string) {}

  add(s: DDSketch): void {
    if (!this.sketch) {
      this.sketch = s;
      return;
    }
    if (!this.sketch.mergeable(s))
      throw invalidArgument(
        `${this.what}: its sketches were built with different relative accuracies and cannot be merged`,
      );
    this.sketch.merge(s);
  }

  addEncoded(base64: string): void {
    this.add(decodeSketch(base64));
  }

  get result(): DDSketch | null {
    return this.sketch;
  }
}

/** A sketch of raw values (span and command durations), at Pitwall's accuracy. */
export function sketchOf(values: Iterable<number>): DDSketch {
  const s = new DDSketch({ relativeAccuracy: ROLLUP_ACCURACY });
  for (const v of values) s.accept(v);
  return s;
}
