import { z } from 'zod';
import * as code from './kinds/code.js';
import * as delivery from './kinds/delivery.js';
import * as ci from './kinds/ci.js';
import * as dx from './kinds/experience.js';
import * as coverage from './kinds/coverage.js';

/**
 * Every record kind that can be ingested: its schema, its table and its natural key.
 * The schema's keys are the table's columns (snake_case), so a record is a row.
 * `newerBy` orders versions of one row (TableWrite.newerBy): the source's own last-change time,
 * then the completion time, so a late or replayed older version never overwrites a newer one.
 */
function kind<S extends z.ZodObject, K extends readonly (keyof z.output<S> & string)[]>(
  table: string,
  schema: S,
  key: K,
  newerBy?: readonly (keyof z.output<S> & string)[],
) {
  return {
    table,
    schema,
    key,
    newerBy,
    columns: Object.keys(schema.shape) as (keyof z.output<S> & string)[],
  };
}

export const recordKinds = {
  repo: kind('repos', code.repo, ['repo']),
  team: kind('teams', code.team, ['team']),
  person: kind('people', code.person, ['login']),
  commit: kind('commits', code.commit, ['repo', 'sha']),
  tag: kind('tags', code.tag, ['repo', 'name']),
  pull_request: kind('pull_requests', code.pullRequest, ['repo', 'number'], ['updated_at']),
  review: kind('reviews', code.review, ['repo', 'pr_number', 'review_id']),
  deployment: kind('deployments', delivery.deployment, ['id'], ['source_updated_at', 'finished_at']),
  incident: kind('incidents', delivery.incident, ['id'], ['source_updated_at']),
  annotation: kind('annotations', delivery.annotation, ['id']),
  pipeline_run: kind(
    'pipeline_runs',
    ci.pipelineRun,
    ['repo', 'run_id', 'attempt'],
    ['source_updated_at', 'completed_at'],
  ),
  pipeline_job: kind(
    'pipeline_jobs',
    ci.pipelineJob,
    ['repo', 'job_id'],
    ['source_updated_at', 'attempt', 'completed_at'],
  ),
  test_result: kind('test_results', ci.testResult, ['run_id', 'test_id', 'attempt']),
  span: kind('spans', dx.span, ['span_id']),
  command: kind('commands', dx.command, ['id']),
  host_fact: kind('host_facts', dx.hostFact, ['host', 'day']),
  metric_point: kind('metric_points', dx.metricPoint, ['name', 'occurred_at', 'tags']),
  metric_sketch: kind('metric_sketches', dx.metricSketch, ['name', 'occurred_at', 'tags']),
  survey_response: kind('survey_responses', dx.surveyResponse, ['survey', 'respondent', 'question']),
  feedback: kind('feedback', dx.feedback, ['id']),
  experiment: kind('experiments', dx.experiment, ['id']),
  coverage_report: kind('coverage_reports', coverage.coverageReport, ['report_id']),
  coverage_file: kind('coverage_files', coverage.coverageFile, ['report_id', 'path']),
  commit_lines: kind('commit_lines', coverage.commitLines, ['repo', 'sha']),
} as const;

export type RecordKind = keyof typeof recordKinds;
export const recordKindNames = Object.keys(recordKinds) as RecordKind[];

/** The row a record of kind K becomes once validated and normalized. */
export type Row<K extends RecordKind> = z.output<(typeof recordKinds)[K]['schema']>;
/** What a producer hands to ingest: the kind plus the fields (loosely typed inputs). */
export type RecordInput<K extends RecordKind = RecordKind> = { kind: K } & z.input<
  (typeof recordKinds)[K]['schema']
>;
/** Any record, as the union of all kinds. */
export type AnyRecordInput = { [K in RecordKind]: RecordInput<K> }[RecordKind];
