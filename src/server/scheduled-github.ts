import { z } from 'zod';
import { githubClientFor, githubTarget, runGitHub } from '../collectors/github/prepare.js';
import type { PreparedRun } from '../collectors/run.js';
import type { Config } from '../config/schema.js';
import { PitwallError } from '../errors/errors.js';
import { parseInstant } from '../domain/time.js';

const options = z
  .object({
    org: z.string().min(1).optional(),
    repos: z.array(z.string().min(1)).default([]),
    since: z.string().optional(),
    api_url: z.string().optional(),
  })
  .strict();

/**
 * A scheduled GitHub collection, shaped like the other collectors' prepared runs. Options are
 * checked when the job runs; the token comes from the server's environment, never the config.
 * Each repository keeps its own source row; the job's summary counts them all.
 */
export async function prepareGitHub(raw: unknown, config: Config): Promise<PreparedRun> {
  const parsed = options.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PitwallError('invalid_config', `github collector option "${i.path.join('.')}": ${i.message}`);
  }
  const o = parsed.data;
  const target = githubTarget(o.org ?? null, o.repos);
  const since = o.since ? parseInstant(o.since) : null;
  if (o.since && !since)
    throw new PitwallError('invalid_config', `github collector option "since": ${o.since} is not a date`);
  return {
    sourceId: `github-org:${o.org ?? target.repos.join(',')}`,
    async run({ store, logger }) {
      const client = await githubClientFor({
        env: process.env,
        cwd: process.cwd(),
        config,
        target,
        logger,
        apiUrl: o.api_url,
      });
      const c = await runGitHub({ store, config, client, target, since, logger });
      const failed = c.repos.filter((r) => !r.ok);
      if (failed.length)
        throw new PitwallError(
          'collector_failed',
          `${failed.length} of ${c.repos.length} repositories failed: ${failed.map((r) => r.repo).join(', ')}`,
        );
      const written: Record<string, number> = {};
      for (const r of c.repos)
        for (const [k, n] of Object.entries(r.written)) written[k] = (written[k] ?? 0) + (n ?? 0);
      return {
        source: `github:${o.org ?? target.repos.join(',')}`,
        written,
        total: c.repos.reduce((s, r) => s + r.records, 0),
        elapsedMs: c.elapsedMs,
        facts: {
          repositories: c.repos.length,
          requests: c.requests.requests,
          not_modified: c.requests.notModified,
        },
      };
    },
  };
}
