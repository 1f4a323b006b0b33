import { invalidArgument } from '../errors/errors.js';
import { inWindow } from '../metrics/registry/fragments.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Queryable } from '../store/store.js';
import { notBeforeYear1 } from '../domain/time.js';

/**
 * The executive headline: developer hours saved against the previous window of the same
 * length, from the three waits Pitwall measures. Every input is shown beside the number, so
 * nobody has to take it on trust:
 *   CI wait            = Σ job queue time (created → started)           [ci.jobs.queue_* facts]
 *   local wait         = Σ local command time                           [local.commands.wait_hours]
 *   provisioning wait  = Σ test-environment provisioning time           [testenv.provision.* facts]
 *   hoursSaved         = (previous window's total) − (this window's total); negative means lost.
 */
export interface HeadlineInputs {
  ciWaitHours: number;
  /** Null when withheld (fewer people ran local commands than privacy.min_group_size). */
  localWaitHours: number | null;
  provisioningWaitHours: number;
  totalHours: number;
}

export interface Headline {
  from: Date;
  to: Date;
  previousFrom: Date;
  hoursSaved: number;
  hoursSavedInputs: { current: HeadlineInputs; previous: HeadlineInputs };
  /** Active developers in the window (git.contributors.active), or null with no commits. */
  developers: number | null;
  hoursSavedPerDeveloper: number | null;
  /**
   * Local wait is about people (local.commands.wait_hours is personal): withheld in either
   * window, it is left out of both totals, so the two still compare, and this says why.
   */
  localWithheld: string | null;
}

const SOURCES = {
  ci: { metric: 'ci.jobs.queue_p50_seconds', toHours: 1 / 3600 },
  provisioning: { metric: 'testenv.provision.duration_p50_minutes', toHours: 1 / 60 },
} as const;

/** Σ v over a facts metric's rows in the window: the same rows its percentiles are taken over. */
async function sumFacts(
  store: Queryable,
  registry: MetricRegistry,
  metric: string,
  w: { from: Date; to: Date },
): Promise<number> {
  const def = registry.get(metric);
  if (!('facts' in def)) throw new Error(`${metric} has no facts to sum`);
  const [row] = await store.query<{ s: number | null }>(
    `with f as (${def.facts}) select sum(v) as s from f where ${inWindow()}`,
    [w.from, w.to],
  );
  return Number(row?.s ?? 0);
}

async function inputs(
  store: Queryable,
  registry: MetricRegistry,
  w: { from: Date; to: Date },
): Promise<HeadlineInputs & { withheld: string | null }> {
  const [ci, provisioning, local] = await Promise.all([
    sumFacts(store, registry, SOURCES.ci.metric, w),
    sumFacts(store, registry, SOURCES.provisioning.metric, w),
    registry.compute(store, 'local.commands.wait_hours', w),
  ]);
  const ciWaitHours = ci * SOURCES.ci.toHours;
  const provisioningWaitHours = provisioning * SOURCES.provisioning.toHours;
  const withheld = local[0]?.withheld ?? null;
  const localWaitHours = withheld ? null : (local[0]?.value ?? 0);
  return {
    ciWaitHours,
    localWaitHours,
    provisioningWaitHours,
    totalHours: ciWaitHours + (localWaitHours ?? 0) + provisioningWaitHours,
    withheld,
  };
}

export async function buildHeadline(
  store: Queryable,
  registry: MetricRegistry,
  req: { from: Date; to: Date },
): Promise<Headline> {
  if (!(req.from < req.to)) throw invalidArgument('from must be before to', { field: 'from' });
  const previousFrom = notBeforeYear1(new Date(req.from.getTime() - (req.to.getTime() - req.from.getTime())));
  const [cur, prev, devs] = await Promise.all([
    inputs(store, registry, req),
    inputs(store, registry, { from: previousFrom, to: req.from }),
    registry.compute(store, 'git.contributors.active', req),
  ]);
  const localWithheld = cur.withheld ?? prev.withheld;
  const part = ({ withheld: _, ...i }: typeof cur): HeadlineInputs =>
    localWithheld ? { ...i, localWaitHours: null, totalHours: i.ciWaitHours + i.provisioningWaitHours } : i;
  const [current, previous] = [part(cur), part(prev)];
  const hoursSaved = previous.totalHours - current.totalHours;
  const developers = devs[0]?.value ?? null;
  return {
    from: req.from,
    to: req.to,
    previousFrom,
    hoursSaved,
    hoursSavedInputs: { current, previous },
    developers,
    hoursSavedPerDeveloper: developers ? hoursSaved / developers : null,
    localWithheld,
  };
}
