import { Cron } from 'croner';
import { z } from 'zod';
import { configSection } from '../config/sections.js';
import { exporters } from './exporters.js';

const ids = () => (exporters as readonly { id: string }[]).map((e) => e.id);

function cronProblem(s: string): string | null {
  try {
    new Cron(s, { paused: true }).stop();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The `exporters:` list of pitwall.yaml: jobs `pitwall serve` runs on a cron (UTC), each an
 * exporter of the registry (src/export/exporters.ts) and the options its own schema accepts:
 *
 *   exporters:
 *     - exporter: datadog
 *       schedule: '*\/15 * * * *'
 *       options: { since: 2d }
 *
 * An unknown exporter, a bad cron or a bad option is a config error naming its key.
 */
const job = z
  .object({
    exporter: z.string().min(1),
    /** Distinguishes two jobs of one exporter (their health rows): default the exporter's id. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a short lowercase name, e.g. hourly')
      .optional(),
    schedule: z.string().min(1),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .superRefine((j, ctx) => {
    const problem = cronProblem(j.schedule);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: `${JSON.stringify(j.schedule)} is not a cron expression (${problem}): e.g. "*/15 * * * *" for every 15 minutes`,
      });
    const exporter = (exporters as readonly { id: string; optionsSchema: z.ZodType }[]).find(
      (e) => e.id === j.exporter,
    );
    if (!exporter) {
      ctx.addIssue({
        code: 'custom',
        path: ['exporter'],
        message: `unknown exporter "${j.exporter}"; known: ${ids().join(', ')}`,
      });
      return;
    }
    const parsed = exporter.optionsSchema.safeParse(j.options);
    if (!parsed.success)
      for (const i of parsed.error.issues)
        ctx.addIssue({ code: 'custom', path: ['options', ...i.path.map(String)], message: i.message });
  });

export const exportersSection = z.array(job).default([]);
export type ExporterJob = z.output<typeof job>;

export const exportersSettings = configSection('exporters', exportersSection);

declare module '../config/schema.js' {
  interface PluginSections {
    exporters: ExporterJob[];
  }
}
