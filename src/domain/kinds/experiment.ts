import { z } from 'zod';
import { count, instant, objectInOrder, optInstant, optText, text } from './common.js';

const names = z.array(z.string().trim().min(1)).min(1);

/**
 * Who gets the treatment: whole teams, a list of people, or a share of people chosen by a stable
 * hash of the person id salted with the experiment id (so each experiment draws its own cohort,
 * and a person stays in it for the experiment's life).
 */
export const cohortSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('teams'), teams: names }).strict(),
  z.object({ type: z.literal('people'), people: names }).strict(),
  z
    .object({
      type: z.literal('share'),
      share: z.number().gt(0, 'a share is above 0').lt(1, 'a share is below 1 (1 would leave no control)'),
    })
    .strict(),
]);
export type CohortSpec = z.output<typeof cohortSpec>;

/** Who the treatment is compared with: everyone else, or named teams. */
export const controlSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('rest') }).strict(),
  z.object({ type: z.literal('teams'), teams: names }).strict(),
]);
export type ControlSpec = z.output<typeof controlSpec>;

/** The hypothesised change per metric, in percent of the control's value (e.g. -30). */
export const expectedEffect = z.record(z.string(), z.number().finite());

const json = <S extends z.ZodType>(s: S) =>
  s.nullish().transform((v) => (v === null || v === undefined ? null : JSON.stringify(v)));

export const experiment = objectInOrder([['started_at', 'ended_at']], {
  id: text,
  name: text,
  hypothesis: z.string().default(''),
  /** The primary metric (the first of `metrics`); kept for records written before `metrics`. */
  metric: optText,
  started_at: instant,
  ended_at: optInstant,
  /** The cohort in words, e.g. "30% of people". */
  cohort: z.string().default(''),
  status: z.enum(['planned', 'running', 'stopped', 'rolled_out']).default('running'),
  participants: count.default(0),
  cohort_spec: json(cohortSpec),
  control_spec: json(controlSpec),
  metrics: json(z.array(z.string().trim().min(1))),
  alpha: z
    .number()
    .gt(0)
    .lt(0.5)
    .nullish()
    .transform((v) => v ?? null),
  expected_effect: json(expectedEffect),
  notes: optText,
});
