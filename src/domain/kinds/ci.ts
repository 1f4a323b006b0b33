import { z } from 'zod';
import {
  count,
  instant,
  jsonList,
  jsonMap,
  objectInOrder,
  optCount,
  optInstant,
  optSha,
  optText,
  repoName,
  text,
} from './common.js';

const conclusion = z
  .enum(['success', 'failure', 'cancelled', 'skipped', 'timed_out', 'neutral', 'action_required', 'stale'])
  .nullish()
  .transform((v) => v ?? null);

export const pipelineRun = objectInOrder([['started_at', 'completed_at']], {
  repo: repoName,
  run_id: text,
  attempt: count.min(1).default(1),
  workflow: text,
  event: optText,
  branch: optText,
  sha: optSha,
  pr_number: optCount,
  created_at: instant,
  started_at: optInstant,
  completed_at: optInstant,
  status: z.string().default('completed'),
  conclusion,
  actor: optText,
  /**
   * What the run was started with (Jenkins build parameters), name -> value as JSON text; the
   * producer has already replaced secret values. Null for sources without parameters.
   */
  parameters: z
    .record(z.string().min(1).max(200), z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]))
    .nullish()
    .transform((m) => (m ? jsonMap.parse(m) : null)),
  /** When the source last changed the run (GitHub's `updated_at`): orders versions of the row. */
  source_updated_at: optInstant,
});

export const pipelineJob = objectInOrder([['started_at', 'completed_at']], {
  repo: repoName,
  job_id: text,
  run_id: text,
  attempt: count.min(1).default(1),
  workflow: text,
  name: text,
  stage: optText,
  needs: jsonList,
  created_at: optInstant,
  started_at: optInstant,
  completed_at: optInstant,
  conclusion,
  runner: optText,
  /** When the source last changed the job: orders versions of the row. */
  source_updated_at: optInstant,
});

export const testResult = z.object({
  test_id: text,
  run_id: text,
  attempt: count.min(1).default(1),
  repo: optText,
  suite: z.string().default(''),
  class_name: z.string().default(''),
  name: text,
  file: optText,
  sha: optSha,
  branch: optText,
  status: z.enum(['passed', 'failed', 'error', 'skipped']),
  duration_ms: z.number().nonnegative().default(0),
  retries: count.default(0),
  executed_at: instant,
});
