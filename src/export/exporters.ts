import { datadogExporter } from './datadog/exporter.js';
import type { AnyExporter } from './exporter.js';
import { otlpExporter } from './otlp/exporter.js';

/**
 * The exporter registry: one line per destination. `pitwall export <id>`, the `exporters:`
 * schedule of `pitwall serve` and the config's sections derive from this list.
 */
export const exporters = [datadogExporter, otlpExporter] as const satisfies readonly AnyExporter[];

export function exporterById(id: string): AnyExporter | undefined {
  return (exporters as readonly AnyExporter[]).find((e) => e.id === id);
}
