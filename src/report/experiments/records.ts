import { cohortSpec, controlSpec, expectedEffect, type CohortSpec } from '../../domain/kinds/experiment.js';
import type { RecordInput } from '../../domain/records.js';
import { PitwallError } from '../../errors/errors.js';
import type { Queryable } from '../../store/store.js';
import type { Experiment, ExperimentStatus } from './types.js';

interface Row {
  id: string;
  name: string;
  hypothesis: string;
  metric: string | null;
  started_at: Date;
  ended_at: Date | null;
  cohort: string;
  status: string;
  participants: number;
  cohort_spec: string | null;
  control_spec: string | null;
  metrics: string | null;
  alpha: number | null;
  expected_effect: string | null;
  notes: string | null;
}

const COLUMNS =
  'id, name, hypothesis, metric, started_at, ended_at, cohort, status, participants, cohort_spec, control_spec, metrics, alpha, expected_effect, notes';

const parse = <T>(text: string | null, read: (v: unknown) => T, fallback: T): T =>
  text === null ? fallback : read(JSON.parse(text));

function experimentOf(r: Row): Experiment {
  const metrics = parse(r.metrics, (v) => (v as string[]).map(String), r.metric ? [r.metric] : []);
  return {
    id: r.id,
    name: r.name,
    hypothesis: r.hypothesis,
    metrics,
    expected: parse(r.expected_effect, (v) => expectedEffect.parse(v), {}),
    cohort: parse(r.cohort_spec, (v) => cohortSpec.parse(v), null),
    control: parse(r.control_spec, (v) => controlSpec.parse(v), { type: 'rest' as const }),
    cohortText: r.cohort,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    status: r.status as ExperimentStatus,
    alpha: r.alpha === null ? null : Number(r.alpha),
    notes: r.notes,
    participants: Number(r.participants),
  };
}

/** Every experiment, newest first. */
export async function listExperiments(store: Queryable): Promise<Experiment[]> {
  const rows = await store.query<Row>(`select ${COLUMNS} from experiments order by started_at desc, id`);
  return rows.map(experimentOf);
}

export async function findExperiment(store: Queryable, id: string): Promise<Experiment | null> {
  const rows = await store.query<Row>(`select ${COLUMNS} from experiments where id = $1`, [id]);
  return rows.length ? experimentOf(rows[0]!) : null;
}

/** The experiment, or not_found naming the id and where to see the ids. */
export async function getExperiment(store: Queryable, id: string): Promise<Experiment> {
  const e = await findExperiment(store, id);
  if (!e)
    throw new PitwallError('not_found', `no experiment "${id}" (see: pitwall experiment list)`, {
      field: 'id',
      id,
    });
  return e;
}

/** The cohort in words, stored beside its spec for lists and older readers. */
export function cohortText(c: CohortSpec | null): string {
  if (!c) return '';
  if (c.type === 'share') return `${Math.round(c.share * 1000) / 10}% of people`;
  if (c.type === 'teams') return `teams ${c.teams.join(', ')}`;
  return `${c.people.length} ${c.people.length === 1 ? 'person' : 'people'}`;
}

/** The record that writes an experiment (ingest upserts it by id). */
export function experimentRecord(e: Experiment): RecordInput<'experiment'> {
  return {
    kind: 'experiment',
    id: e.id,
    name: e.name,
    hypothesis: e.hypothesis,
    metric: e.metrics[0] ?? null,
    started_at: e.startedAt,
    ended_at: e.endedAt,
    cohort: e.cohortText || cohortText(e.cohort),
    status: e.status,
    participants: e.participants,
    cohort_spec: e.cohort,
    control_spec: e.control,
    metrics: e.metrics,
    alpha: e.alpha,
    expected_effect: e.expected,
    notes: e.notes,
  };
}
