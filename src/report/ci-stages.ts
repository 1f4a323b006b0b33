import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Queryable } from '../store/store.js';

/** The CI KPI table of the CI seed: one row per stage (job), with the critical path's share. */
export const STAGE_COLUMNS = {
  duration_p50_min: 'ci.jobs.duration_p50_minutes',
  duration_p95_min: 'ci.jobs.duration_p95_minutes',
  queue_p50_s: 'ci.jobs.queue_p50_seconds',
  queue_p95_s: 'ci.jobs.queue_p95_seconds',
  success_rate: 'ci.jobs.success_rate',
  critical_path_share: 'ci.critical_path.job_share',
} as const;

export type StageRow = { workflow: string; stage: string } & Record<
  keyof typeof STAGE_COLUMNS,
  number | null
>;

export interface CiStages {
  stages: StageRow[];
  /** The stage with the largest share of the critical path: the one to speed up first. */
  speedUpFirst: { workflow: string; stage: string; share: number } | null;
}

/** Per workflow and stage, from the registry (so every number can be explained row by row). */
export async function ciStages(
  store: Queryable,
  registry: MetricRegistry,
  req: { from: Date; to: Date },
): Promise<CiStages> {
  const workflows = (await registry.compute(store, 'ci.runs.count', { ...req, by: 'workflow' })).map(
    (r) => r.group,
  );
  const stages: StageRow[] = [];
  for (const workflow of workflows) {
    if (!workflow) continue;
    const byStage = new Map<string, StageRow>();
    for (const [col, metric] of Object.entries(STAGE_COLUMNS) as [keyof typeof STAGE_COLUMNS, string][]) {
      for (const v of await registry.compute(store, metric, { ...req, by: 'job', where: { workflow } })) {
        if (!v.group) continue;
        const row =
          byStage.get(v.group) ??
          ({
            workflow,
            stage: v.group,
            ...Object.fromEntries(Object.keys(STAGE_COLUMNS).map((k) => [k, null])),
          } as StageRow);
        row[col] = v.value;
        byStage.set(v.group, row);
      }
    }
    stages.push(
      ...[...byStage.values()].sort((a, b) => (b.critical_path_share ?? 0) - (a.critical_path_share ?? 0)),
    );
  }
  const top = stages
    .filter((s) => s.critical_path_share !== null)
    .sort((a, b) => b.critical_path_share! - a.critical_path_share!)[0];
  return {
    stages,
    speedUpFirst: top ? { workflow: top.workflow, stage: top.stage, share: top.critical_path_share! } : null,
  };
}
