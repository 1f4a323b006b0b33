import { z } from 'zod';
import { PitwallError } from '../../errors/errors.js';
import type { Collector, CollectContext, CollectBatch, CollectOutcome } from '../collector.js';
import { statusOfError, type GitHubClient } from '../github/client.js';
import { githubClientFor } from '../github/prepare.js';
import { mapDay, seatsPoint, type Scope } from './map.js';
import { copilotBilling, copilotMetrics } from './schema.js';

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const options = z
  .object({
    /** The organisation whose Copilot metrics are read. */
    org: z
      .string({ error: 'required: pass --option org=ORG (the organisation whose Copilot metrics are read)' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'expected an organisation login such as acme'),
    /** Team slugs, comma separated (or a list in pitwall.yaml): each team's own metrics too, tagged `team`. */
    teams: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((s) => (Array.isArray(s) ? s : (s ?? '').split(',')).map((t) => t.trim()).filter(Boolean))
      .refine((ts) => ts.every((t) => SLUG.test(t)), 'expected team slugs such as payments,platform'),
    /** The REST API root (default: github.api_url, https://api.github.com). */
    api_url: z.string().url().optional(),
  })
  .strict();

export interface CopilotRun {
  client: GitHubClient;
  org: string;
  teams: string[];
}

/** The last day read per scope (`org`, `team:<slug>`): a re-run asks only for the days after it. */
const cursorSchema = z.object({ v: z.literal(1), days: z.record(z.string(), z.string()) });
type CopilotCursor = z.output<typeof cursorSchema>;

function parseCursor(raw: string | null, ctx: CollectContext<CopilotRun>): CopilotCursor | null {
  if (!raw) return null;
  try {
    return cursorSchema.parse(JSON.parse(raw));
  } catch {
    // Re-reading days is idempotent (points are keyed by name, day and tags).
    ctx.logger.warn({}, 'Copilot cursor unreadable: reading every day the API keeps again');
    return null;
  }
}

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/** What GitHub's answer means, in words that say what to change. */
function failure(e: unknown, scope: Scope, what: string): PitwallError {
  const status = statusOfError(e);
  const where = scope.team ? `team ${scope.team} of ${scope.org}` : scope.org;
  const hint =
    status === 401
      ? 'the token was refused: check GITHUB_TOKEN (or the GitHub App settings)'
      : status === 403 || status === 404
        ? `the token cannot read it: use a token of an organisation owner with the manage_billing:copilot or read:org scope${scope.team ? ', and check the team slug' : ''}`
        : status === 422
          ? 'GitHub refused it: enable "Copilot Metrics API access" in the organisation\'s Copilot policies'
          : (e as Error).message;
  return new PitwallError(
    'collector_failed',
    `GitHub answered ${status ?? 'no status'} to ${what} for ${where}: ${hint}`,
  );
}

async function* collectCopilot(
  ctx: CollectContext<CopilotRun>,
): AsyncGenerator<CollectBatch, CollectOutcome, void> {
  const { client, org, teams } = ctx.target;
  const previous = parseCursor(ctx.cursor, ctx);
  const next: CopilotCursor = { v: 1, days: { ...(previous?.days ?? {}) } };
  const scopes: Scope[] = [{ org }, ...teams.map((team) => ({ org, team }))];
  let days = 0;
  let smallGroups = 0;
  const withheld: string[] = [];
  for (const scope of scopes) {
    const key = scope.team ? `team:${scope.team}` : 'org';
    const after = previous?.days[key];
    const route = scope.team
      ? 'GET /orgs/{org}/team/{team_slug}/copilot/metrics'
      : 'GET /orgs/{org}/copilot/metrics';
    let body: unknown;
    try {
      body = await client.octokit.paginate(route, {
        org,
        ...(scope.team ? { team_slug: scope.team } : {}),
        per_page: 100,
        ...(after ? { since: dayAfter(after) } : {}),
      });
    } catch (e) {
      // GitHub keeps a team's metrics to itself below five licensed members: that is the same
      // privacy rule as ours, so the team is reported withheld and the run goes on.
      if (scope.team && statusOfError(e) === 422) {
        ctx.logger.info(
          { team: scope.team },
          'Copilot metrics withheld by GitHub: fewer than 5 licensed members',
        );
        withheld.push(scope.team);
        continue;
      }
      throw failure(e, scope, 'the Copilot metrics request');
    }
    const parsed = copilotMetrics.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new PitwallError(
        'collector_failed',
        `unexpected GitHub response to ${route}: ${i?.path.join('.') || '(body)'}: ${i?.message ?? ''}`,
      );
    }
    const fresh = parsed.data
      .filter((d) => !after || d.date > after)
      .sort((a, b) => a.date.localeCompare(b.date));
    if (fresh.length) next.days[key] = fresh[fresh.length - 1]!.date;
    days += fresh.length;
    ctx.progress({ unit: 'days', done: days });
    const records = fresh.flatMap((d) => {
      const m = mapDay(d, scope, ctx.config.privacy.min_group_size);
      smallGroups += m.withheld;
      return m.points;
    });
    if (records.length) yield { records };
  }
  let seats: number | null = null;
  try {
    const res = await client.octokit.request('GET /orgs/{org}/copilot/billing', { org });
    const b = copilotBilling.safeParse(res.data);
    if (b.success) seats = b.data.seat_breakdown.total;
    else ctx.logger.warn({}, 'Copilot billing answer has no seat_breakdown.total: seats not recorded');
  } catch (e) {
    const status = statusOfError(e);
    // Seats need the billing scope; without it adoption is read against active developers.
    if (status !== 403 && status !== 404) throw failure(e, { org }, 'the Copilot billing request');
    ctx.logger.warn(
      { status },
      'Copilot seats not readable with this token: adoption uses active developers',
    );
  }
  if (seats !== null) yield { records: [seatsPoint(org, seats, new Date())] };
  return {
    cursor: JSON.stringify(next),
    facts: {
      incremental: previous !== null,
      days,
      teams: teams.length - withheld.length,
      ...(withheld.length ? { teams_withheld: withheld.join(',') } : {}),
      seats: seats ?? 'not readable',
      // Daily breakdowns (editor, language) of fewer than privacy.min_group_size people, not stored.
      breakdowns_withheld: smallGroups,
      requests: client.stats.requests,
    },
  };
}

export const copilotCollector = {
  id: 'copilot',
  description:
    'GitHub Copilot usage per day (active and engaged users, suggestions and acceptances by editor and language) as metric points',
  configSchema: options,
  async prepare(o, ctx) {
    const client = await githubClientFor({
      env: ctx.env,
      cwd: ctx.cwd,
      config: ctx.config,
      target: { org: o.org, repos: [] },
      logger: ctx.logger,
      apiUrl: o.api_url,
    });
    return {
      sourceId: `copilot:${o.org}${o.teams.length ? `:${o.teams.join(',')}` : ''}`,
      target: { client, org: o.org, teams: o.teams },
    };
  },
  collect: collectCopilot,
} satisfies Collector<typeof options, CopilotRun>;
