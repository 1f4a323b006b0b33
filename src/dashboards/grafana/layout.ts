import type { GridPos } from '@grafana/schema';
import type { PanelKind } from '../model.js';

/** Grafana's grid is 24 columns wide; the model's is 12. */
export const GRID_COLUMNS = 24;
const HEIGHT: Record<PanelKind, number> = { stat: 4, timeseries: 8, bars: 8, table: 8, note: 3 };

/**
 * Places panels left to right, wrapping to a new line when the next does not fit; each section
 * starts with a one-unit row header below everything before it. Returns the positions in order.
 */
export function layout(
  sections: readonly { panels: readonly { kind: PanelKind; width: number }[] }[],
): { row: GridPos; panels: GridPos[] }[] {
  let y = 0;
  return sections.map((s) => {
    const row = { x: 0, y, w: GRID_COLUMNS, h: 1 };
    y += 1;
    let x = 0;
    let lineHeight = 0;
    const panels = s.panels.map((p) => {
      const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(p.width * 2)));
      const h = HEIGHT[p.kind];
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const pos = { x, y, w, h };
      x += w;
      lineHeight = Math.max(lineHeight, h);
      return pos;
    });
    y += lineHeight;
    return { row, panels };
  });
}
