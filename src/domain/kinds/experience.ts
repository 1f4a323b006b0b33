import { z } from 'zod';
import { count, instant, int32, jsonMap, objectInOrder, optInstant, optText, text } from './common.js';

/** A timed operation, e.g. a test-environment provisioning and its phases (parent_id). */
export const span = objectInOrder([['started_at', 'ended_at']], {
  span_id: text,
  parent_id: optText,
  name: text,
  key: optText,
  repo: optText,
  team: optText,
  started_at: instant,
  ended_at: optInstant,
  status: z.enum(['ok', 'error', 'unset']).default('ok'),
  failure_category: optText,
  attributes: jsonMap,
});

/** One command run on a developer's machine (the inner loop). */
export const command = z.object({
  id: text,
  user_name: text,
  host: optText,
  command: text,
  category: optText,
  cwd: optText,
  repo: optText,
  exit_code: int32,
  started_at: instant,
  duration_ms: z.number().nonnegative(),
  network_ms: z
    .number()
    .nonnegative()
    .nullish()
    .transform((v) => v ?? null),
});

export const metricPoint = z.object({
  name: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'expected a dotted name such as ci.cache.hit_rate'),
  occurred_at: instant,
  type: z.enum(['gauge', 'count', 'distribution']).default('gauge'),
  value: z.number().finite(),
  tags: jsonMap,
});

export const surveyResponse = z.object({
  survey: text,
  respondent: text,
  question: text,
  team: optText,
  answered_at: instant,
  score: z
    .number()
    .finite()
    .nullish()
    .transform((v) => v ?? null),
  comment: optText,
});

export const feedback = z.object({
  id: text,
  occurred_at: instant,
  author: optText,
  team: optText,
  category: optText,
  sentiment: z.enum(['praise', 'friction', 'idea', 'other']).default('other'),
  text: z.string().default(''),
});

export const experiment = objectInOrder([['started_at', 'ended_at']], {
  id: text,
  name: text,
  hypothesis: z.string().default(''),
  metric: optText,
  started_at: instant,
  ended_at: optInstant,
  cohort: z.string().default(''),
  status: z.enum(['planned', 'running', 'stopped', 'rolled_out']).default('running'),
  participants: count.default(0),
});
