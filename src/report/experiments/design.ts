import { z } from 'zod';
import { cohortSpec, controlSpec, type CohortSpec, type ControlSpec } from '../../domain/kinds/experiment.js';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { Queryable } from '../../store/store.js';
import { factsMetricOf } from '../impact/kind.js';
import { cohortText, findExperiment } from './records.js';
import type { Experiment } from './types.js';

/** What a caller gives to create an experiment (the CLI's flags and the API's body both become this). */
export interface ExperimentDesign {
  id?: string;
  name: string;
  hypothesis?: string;
  metrics: string[];
  expected?: Record<string, number>;
  cohort: unknown;
  control?: unknown;
  start: Date;
  end?: Date | null;
  alpha?: number | null;
  notes?: string | null;
}

const ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
export const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

const issue = (field: string, e: z.ZodError) => {
  const i = e.issues[0]!;
  const at = [field, ...i.path.map(String)].join('.');
  return invalidArgument(`${at}: ${i.message}`, { field: at });
};

/**
 * Checks a design against the registry and the store and returns the experiment to write: the
 * metrics exist and have a value per event, a cohort of people needs metrics that name the person
 * behind each row, teams need a team group-by, the dates are in order, the id is free.
 */
export async function designExperiment(
  store: Queryable,
  registry: MetricRegistry,
  d: ExperimentDesign,
  now: Date,
): Promise<Experiment> {
  const name = d.name.trim();
  if (!name)
    throw invalidArgument('name: give the experiment a name, e.g. "AI PR review bot"', { field: 'name' });
  const id = d.id ?? slug(name);
  if (!ID.test(id))
    throw invalidArgument(
      `id "${id}": use lower-case letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit`,
      { field: 'id' },
    );
  const parsedCohort = cohortSpec.safeParse(d.cohort);
  if (!parsedCohort.success) throw issue('cohort', parsedCohort.error);
  const cohort: CohortSpec = parsedCohort.data;
  const parsedControl = controlSpec.safeParse(d.control ?? { type: 'rest' });
  if (!parsedControl.success) throw issue('control', parsedControl.error);
  const control: ControlSpec = parsedControl.data;
  if (cohort.type === 'teams' && control.type === 'teams') {
    const both = cohort.teams.filter((t) => control.teams.includes(t));
    if (both.length)
      throw invalidArgument(`control.teams: ${both.join(', ')} cannot be both treatment and control`, {
        field: 'control.teams',
      });
  }
  if (!d.metrics.length)
    throw invalidArgument('metrics: name at least one metric (see pitwall metrics list)', {
      field: 'metrics',
    });
  const metrics = [...new Set(d.metrics)];
  for (const m of metrics) {
    const def = factsMetricOf(registry, m);
    if (cohort.type !== 'teams' && !def.person)
      throw invalidArgument(
        `metric ${m} names no person behind its rows, so a cohort of ${cohort.type === 'share' ? 'a share of people' : 'people'} cannot split it: use a cohort of teams, or a metric that declares a person (${personMetrics(registry).slice(0, 5).join(', ')})`,
        { field: 'metrics', metric: m },
      );
    if ((cohort.type === 'teams' || control.type === 'teams') && !def.groupBy.includes('team'))
      throw invalidArgument(`metric ${m} cannot be grouped by team, so teams cannot split it`, {
        field: 'metrics',
        metric: m,
      });
  }
  const expected = d.expected ?? {};
  for (const [m, v] of Object.entries(expected)) {
    if (!metrics.includes(m))
      throw invalidArgument(`expect: ${m} is not one of the experiment's metrics (${metrics.join(', ')})`, {
        field: 'expect',
      });
    if (!Number.isFinite(v) || v === 0 || v <= -100)
      throw invalidArgument(`expect: ${v}% on ${m}: give a change in %, not 0 and above -100, e.g. -30`, {
        field: 'expect',
      });
  }
  const end = d.end ?? null;
  if (end && !(d.start < end))
    throw invalidArgument(
      `end (${end.toISOString()}) is not after start (${d.start.toISOString()}): the dates are reversed`,
      { field: 'end' },
    );
  if (d.alpha !== undefined && d.alpha !== null && !(d.alpha > 0 && d.alpha < 0.5))
    throw invalidArgument(`alpha ${d.alpha}: give a significance level above 0 and below 0.5, e.g. 0.05`, {
      field: 'alpha',
    });
  if (await findExperiment(store, id))
    throw invalidArgument(`an experiment "${id}" exists already: give another id (--id / "id")`, {
      field: 'id',
    });
  return {
    id,
    name,
    hypothesis: d.hypothesis?.trim() ?? '',
    metrics,
    expected,
    cohort,
    control,
    cohortText: cohortText(cohort),
    startedAt: d.start,
    endedAt: end,
    status: d.start > now ? 'planned' : end && end <= now ? 'stopped' : 'running',
    alpha: d.alpha ?? null,
    notes: d.notes?.trim() || null,
    participants: 0,
  };
}

const personMetrics = (registry: MetricRegistry) =>
  registry
    .list()
    .filter((d) => d.person && 'facts' in d)
    .map((d) => d.name);

/**
 * Ends an experiment: stopped (the change is dropped) or rolled out (to everyone). It ends now
 * unless it ended already; a note is appended to its notes.
 */
export function endExperiment(
  e: Experiment,
  action: 'stopped' | 'rolled_out',
  o: { at: Date; note?: string | null },
): Experiment {
  if (e.status === action)
    throw new PitwallError('invalid_argument', `experiment ${e.id} is ${action.replace('_', ' ')} already`, {
      field: 'id',
    });
  if (e.status === 'rolled_out')
    throw invalidArgument(`experiment ${e.id} was rolled out already: it cannot be stopped`, { field: 'id' });
  const endedAt = e.endedAt && e.endedAt <= o.at ? e.endedAt : o.at;
  if (endedAt < e.startedAt)
    throw invalidArgument(
      `experiment ${e.id} starts ${e.startedAt.toISOString()}: it cannot end before it starts (give a later --at)`,
      { field: 'at' },
    );
  const note = o.note?.trim();
  return {
    ...e,
    status: action,
    endedAt,
    notes: note ? [e.notes, note].filter(Boolean).join('\n') : e.notes,
  };
}
