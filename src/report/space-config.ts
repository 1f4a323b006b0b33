import { z } from 'zod';
import { configSection } from '../config/sections.js';
import { SPACE_ITEMS } from './space-items.js';

/** Where a SPACE score is good enough: the seed's executive panel targets 4.5 of 5 everywhere. */
export const SPACE_DIMENSIONS = [
  'satisfaction',
  'performance',
  'activity',
  'communication',
  'efficiency',
] as const;
export type SpaceDimension = (typeof SPACE_DIMENSIONS)[number];

const METRIC_POINT = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const TAG = /^[A-Za-z0-9_.\-/]{1,200}$/;

/**
 * One platform-adoption measure: the developers who sent at least one point (value > 0) of
 * `metric` in the window, tagged with who they are (`user_tag`), as a share of the active
 * developers. E.g. an AI assistant's daily usage counter tagged `user:<login>`.
 */
const adoptionItem = z
  .object({
    /** A stable id (letters, digits, underscores): the item's key in targets and the API. */
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected lower-case letters, digits and underscores'),
    title: z.string().trim().min(1).max(100),
    metric: z.string().regex(METRIC_POINT, 'expected a metric-point name such as ai.assistant.sessions'),
    user_tag: z.string().regex(TAG, 'expected a tag key such as user').default('user'),
    /** Share of active developers, 0..1. */
    target: z.number().min(0).max(1).default(0.7),
  })
  .strict();

const scoreTarget = z.number().min(1).max(5).default(4.5);
const dimensionTargets = z
  .object({
    satisfaction: scoreTarget,
    performance: scoreTarget,
    activity: scoreTarget,
    communication: scoreTarget,
    efficiency: scoreTarget,
  } satisfies Record<SpaceDimension, unknown>)
  .strict()
  .prefault({});

/**
 * The `space:` section of pitwall.yaml: targets of the SPACE deep dive. `targets` overrides an
 * item's target by its id (see docs/space.md for the ids and their defaults); `score_targets`
 * is each dimension's 1–5 target; `adoption` lists the platform-adoption measures.
 */
export const spaceSection = z
  .object({
    score_targets: dimensionTargets,
    targets: z.record(z.string(), z.number().finite()).default({}),
    adoption: z
      .array(adoptionItem)
      .default([
        {
          id: 'ai_assistant',
          title: 'AI assistant',
          metric: 'ai.assistant.sessions',
          user_tag: 'user',
          target: 0.7,
        },
        { id: 'portal', title: 'Developer portal', metric: 'portal.sessions', user_tag: 'user', target: 0.9 },
      ])
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        for (const [i, it] of items.entries()) {
          if (seen.has(it.id))
            ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate adoption id "${it.id}"` });
          seen.add(it.id);
        }
      }),
  })
  .strict()
  .superRefine((s, ctx) => {
    const known = new Set([...SPACE_ITEMS.map((i) => i.id), ...s.adoption.map((a) => a.id)]);
    for (const id of Object.keys(s.targets))
      if (!known.has(id))
        ctx.addIssue({
          code: 'custom',
          path: ['targets', id],
          message: `unknown SPACE measure "${id}": use one of ${[...known].sort().join(', ')}`,
        });
  })
  .prefault({});
export type SpaceConfig = z.output<typeof spaceSection>;
export type AdoptionItem = z.output<typeof adoptionItem>;

export const spaceSettings = configSection('space', spaceSection);

declare module '../config/schema.js' {
  interface PluginSections {
    space: SpaceConfig;
  }
}
