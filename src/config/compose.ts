import { z } from 'zod';
import type { ConfigContributions, ScheduledKind } from './sections.js';
import { coreConfigSchema, type Config, type CoreConfig } from './schema.js';

export interface ConfigIssue {
  /** Where, e.g. `['collectors', 0, 'options', 'org']`; joined with dots it is the config key. */
  path: (string | number)[];
  message: string;
}

/** The keys a strict object schema accepts, for an error that says what would be valid. */
function acceptedKeys(schema: z.ZodType): string | null {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape).join(', ') : null;
}

/**
 * Each scheduled job against its collector: a known id, and options its own schema accepts.
 * Shared by the loader and by the scheduler, which may be handed a config built in code.
 */
export function scheduledIssues(
  kinds: readonly ScheduledKind[],
  jobs: readonly { id: string; options: unknown }[],
): ConfigIssue[] {
  const byId = new Map(kinds.map((k) => [k.id, k.options]));
  const issues: ConfigIssue[] = [];
  jobs.forEach((job, i) => {
    const options = byId.get(job.id);
    if (!options) {
      issues.push({
        path: ['collectors', i, 'id'],
        message: `unknown collector ${JSON.stringify(job.id)}: use one of ${[...byId.keys()].join(', ') || '(none registered)'}`,
      });
      return;
    }
    const parsed = options.safeParse(job.options);
    if (parsed.success) return;
    const accepted = acceptedKeys(options);
    for (const issue of parsed.error.issues)
      issues.push({
        path: [
          'collectors',
          i,
          'options',
          ...issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
          ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []),
        ],
        message:
          issue.code === 'unrecognized_keys' && accepted
            ? `${issue.message} (${job.id} options are: ${accepted})`
            : issue.message,
      });
  });
  return issues;
}

/** A threshold for a metric the registry does not have would be ignored: name it instead. */
export function thresholdIssues(
  metrics: readonly string[] | undefined,
  thresholds: Record<string, unknown>,
): ConfigIssue[] {
  if (!metrics) return [];
  const known = new Set(metrics);
  return Object.keys(thresholds)
    .filter((name) => !known.has(name))
    .map((name) => {
      // The closest names first: those sharing the longest start with the one written.
      const common = (m: string) => {
        const i = [...m].findIndex((ch, j) => ch !== name[j]);
        return i < 0 ? m.length : i;
      };
      const near = metrics
        .filter((m) => m.split('.')[0] === name.split('.')[0])
        .sort((x, y) => common(y) - common(x))
        .slice(0, 5);
      return {
        path: ['metrics', 'thresholds', name],
        message: `no metric is named ${JSON.stringify(name)}${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see: pitwall metrics list)`,
      };
    });
}

/**
 * The whole config schema: the core sections, each plug-in's section under its key, and the
 * `collectors:` jobs checked against their collectors. The output is `Config` because the
 * registry's sections are proven equal to `PluginSections` at compile time (src/plugins.ts).
 */
export function composeConfigSchema(c: ConfigContributions): z.ZodType<Config> {
  const core = Object.keys(coreConfigSchema.shape);
  const shape: Record<string, z.ZodType> = {};
  for (const s of c.sections) {
    if (core.includes(s.key) || s.key in shape)
      throw new Error(`config section "${s.key}" is contributed twice: give each plug-in its own key`);
    shape[s.key] = s.schema;
  }
  return coreConfigSchema.extend(shape).superRefine((cfg, ctx) => {
    for (const issue of scheduledIssues(c.scheduled, (cfg as CoreConfig).collectors))
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    for (const issue of thresholdIssues(c.metrics, (cfg as CoreConfig).metrics.thresholds))
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    for (const check of c.checks ?? [])
      for (const issue of check(cfg as unknown as Config))
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }) as unknown as z.ZodType<Config>;
}
