import type { MetricDefinition } from '../../metrics/registry/types.js';
import { byGroup, num, recordName } from './names.js';
import type { RecordingRule } from './types.js';

/**
 * Per-team aggregations of a metric /metrics publishes per team: the worst team's value (max for
 * lower-is-better, min for higher-is-better) and, with thresholds, how many teams are off target,
 * so a platform dashboard or an alert reads one series instead of every team's.
 */
export function recordingRules(def: MetricDefinition): RecordingRule[] {
  if (!def.groupBy.includes('team')) return [];
  const teams = byGroup(def.name, 'team');
  const worst = def.direction === 'lower_is_better' ? 'max' : 'min';
  const rules: RecordingRule[] = [{ record: recordName(def.name, 'worst_team'), expr: `${worst}(${teams})` }];
  if (def.thresholds) {
    const off =
      def.direction === 'lower_is_better'
        ? `${teams} > ${num(def.thresholds.green)}`
        : `${teams} < ${num(def.thresholds.green)}`;
    // `or vector(0)`: no team off target is 0, not an absent series.
    rules.push({ record: recordName(def.name, 'teams_off_target'), expr: `count(${off}) or vector(0)` });
  }
  return rules;
}
