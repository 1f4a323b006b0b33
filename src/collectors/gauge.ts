import type { RecordInput } from '../domain/records.js';

/**
 * A gauge sampled at `at`: what a collector writes for a state it observes at one moment (a
 * queue's depth, a probe's latency, an application's health), tagged with what it is of.
 */
export function gauge(
  name: string,
  value: number,
  at: string,
  tags: Record<string, string>,
): RecordInput<'metric_point'> {
  return { kind: 'metric_point', name, occurred_at: at, type: 'gauge', value, tags };
}
