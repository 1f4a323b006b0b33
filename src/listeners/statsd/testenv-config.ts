import { z } from 'zod';
import { configSection } from '../../config/sections.js';

/**
 * The `testenv:` section: how a user's instrumentation maps onto Pitwall's provisioning model
 * (docs/testenv.md). The model is spans: a root `testenv.provision` (request to ready; status,
 * failure_category, key = branch, attributes ci_tests_complete/sha/trigger) with phase children
 * `testenv.checks`, `testenv.kubernetes`, `testenv.wait_ready`, and `testenv.deprovision`.
 * OpenTelemetry spans of those names are the model as they are; StatsD metrics reach it through
 * `statsd:` below (the names seed 003 instruments, by default), turned into the same spans by
 * the listener. The rest tunes the analysis.
 */
const metricName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a StatsD metric name');

export const testenvSection = z
  .object({
    statsd: z
      .object({
        /** Off: the listener keeps these metrics as plain series only. */
        enabled: z.boolean().default(true),
        /** A timing (ms) per provisioning: request to ready. Each sample is one provisioning. */
        total_duration: metricName.default('testenv.provision.total_duration'),
        /** Phase timings (ms), by model phase; sent with the same tags as the total. */
        phases: z
          .record(z.enum(['testenv.checks', 'testenv.kubernetes', 'testenv.wait_ready']), metricName)
          .default({
            'testenv.checks': 'testenv.checks.duration',
            'testenv.kubernetes': 'testenv.provision.kubernetes_duration',
            'testenv.wait_ready': 'testenv.provision.wait_ready_duration',
          }),
        /** Counters: a success, and a failure tagged with its category. */
        success: metricName.default('testenv.provision.success'),
        failed: metricName.default('testenv.provision.failed'),
        failure_tag: z.string().min(1).default('failure_type'),
        /** Counter at provisioning start, tagged whether CI tests had completed. */
        started: metricName.default('testenv.provision.started'),
        ci_complete_tag: z.string().min(1).default('ci_tests_complete'),
        /** Counter when an environment is torn down (`/env down`): needed for re-provisioning. */
        deprovision: metricName.default('testenv.provision.down'),
        /** Tags that name the branch, the commit and the repository (first present wins). */
        branch_tags: z.array(z.string().min(1)).default(['branch', 'git_branch']),
        sha_tags: z.array(z.string().min(1)).default(['sha', 'git_sha', 'commit']),
        repo_tags: z.array(z.string().min(1)).default(['repo', 'repository']),
        team_tags: z.array(z.string().min(1)).default(['team']),
        /**
         * Samples of one identity further apart than this belong to different provisionings, and
         * a provisioning with neither a total nor an outcome after this long is given up.
         */
        group_gap_minutes: z.number().positive().max(1440).default(60),
        /**
         * After a provisioning's total or outcome arrives, samples of the same identity within
         * this many seconds still join it, and it is emitted at the first flush this long after
         * its last sample: a burst split by a flush is never split into two provisionings.
         */
        settle_seconds: z.number().min(0).max(600).default(5),
      })
      .strict()
      .prefault({}),
    /** A deprovision then a provision of the same branch within this window is a manual re-provision. */
    reprovision_window_minutes: z.number().positive().default(120),
    /**
     * Case-insensitive regular expression for the CI job whose end makes the images available
     * (CI-to-provisioning delay starts there). `build` alone matches the common `build` job.
     */
    image_job_pattern: z.string().min(1).default('\\b(build|docker|image)\\b'),
    /** Link to a provisioning's logs; `{id}`, `{repo}`, `{branch}` are filled in. Unset: no link. */
    log_url: z.string().min(1).nullable().default(null),
  })
  .strict()
  .prefault({});
export type TestenvConfig = z.output<typeof testenvSection>;

export const testenvSettings = configSection('testenv', testenvSection);

declare module '../../config/schema.js' {
  interface PluginSections {
    testenv: TestenvConfig;
  }
}
