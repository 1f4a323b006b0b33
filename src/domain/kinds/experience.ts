import { z } from 'zod';
import { SURVEY_CONSTRUCT_NAMES, scoreProblem } from '../survey-constructs.js';
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

const optBytes = z
  .number()
  .nonnegative()
  .nullish()
  .transform((v) => v ?? null);

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
  /** The shell that ran it (bash, zsh, fish) and its session, as the hook recorded them. */
  shell: optText,
  session: optText,
  /** Bytes received and sent while it ran, when `pitwall run` measured them. */
  network_rx_bytes: optBytes,
  network_tx_bytes: optBytes,
});

/**
 * What a developer machine is, recorded by the agent once per host per day (not per command):
 * enough to tell a slow build on a 4-core laptop from one on a 16-core workstation.
 */
export const hostFact = z.object({
  host: text,
  /** The UTC day observed, YYYY-MM-DD: one row per host per day. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day as YYYY-MM-DD'),
  observed_at: instant,
  /** `uname -a` as node:os reports it: system, host, release, version, machine. */
  uname: text,
  os: text,
  os_release: optText,
  arch: optText,
  cpu_count: count,
  cpu_model: optText,
  memory_bytes: z.number().nonnegative(),
});

export const metricPoint = z.object({
  name: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'expected a dotted name such as ci.cache.hit_rate'),
  occurred_at: instant,
  type: z.enum(['gauge', 'count', 'distribution']).default('gauge'),
  value: z.number().finite(),
  tags: jsonMap,
});

/**
 * A distribution's mergeable DDSketch for one flush interval (StatsD timings, histograms,
 * distributions): sketches of many intervals merge into one, so p50/p90/p99 over an hour or a
 * quarter stay within the sketch's relative accuracy. count/sum/min/max are exact.
 */
export const metricSketch = z.object({
  name: metricPoint.shape.name,
  occurred_at: instant,
  interval_seconds: z.number().positive(),
  tags: jsonMap,
  relative_accuracy: z.number().positive().lt(1),
  count: z.number().nonnegative(),
  sum: z.number().finite(),
  min: z.number().finite(),
  max: z.number().finite(),
  /** The DDSketch in its protobuf form (DDSketch.toProto), base64. */
  sketch: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64 (DDSketch.toProto)'),
});

/**
 * One answer of one respondent to one survey item. `question` is the source's id (Qualtrics
 * QID5, a CSV header); `construct` what it measures (src/domain/survey-constructs.ts), whose
 * scale the score must fit; `choice` the choice text answered; `comment` free text.
 */
export const surveyResponse = z
  .object({
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
    construct: z
      .enum(SURVEY_CONSTRUCT_NAMES)
      .nullish()
      .transform((v) => v ?? null),
    choice: optText,
  })
  .superRefine((r, ctx) => {
    const problem = r.construct && r.score !== null ? scoreProblem(r.construct, r.score) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['score'], message: problem });
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

/** An experiment: its schema and cohort specs live in experiment.ts. */
export { experiment } from './experiment.js';
