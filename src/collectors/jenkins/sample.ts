import { z } from 'zod';
import type { RecordInput } from '../../domain/records.js';

export const QUEUE_TREE = 'items[id,why,inQueueSince,stuck,blocked,buildable,task[name]]';
export const COMPUTER_TREE =
  'busyExecutors,totalExecutors,computer[displayName,offline,idle,numExecutors,assignedLabels[name]]';

export const jkQueue = z
  .object({
    items: z
      .array(
        z
          .object({
            inQueueSince: z.number(),
            stuck: z.boolean().nullish(),
            blocked: z.boolean().nullish(),
            why: z.string().nullish(),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();
export const jkComputers = z
  .object({
    busyExecutors: z.number().default(0),
    totalExecutors: z.number().default(0),
    computer: z
      .array(z.object({ offline: z.boolean().default(false), idle: z.boolean().default(true) }).loose())
      .default([]),
  })
  .loose();

/**
 * The build queue and the agents at one moment, as gauges tagged with the server: the platform
 * page's queue depth, wait and busy agents. Sampled on each run, so the schedule sets the grain.
 */
export function sampleMetrics(
  server: string,
  queue: z.output<typeof jkQueue>,
  computers: z.output<typeof jkComputers>,
  now: Date,
): RecordInput<'metric_point'>[] {
  const waits = queue.items.map((i) => Math.max(0, (now.getTime() - i.inQueueSince) / 1000));
  const online = computers.computer.filter((c) => !c.offline);
  const point = (name: string, value: number): RecordInput<'metric_point'> => ({
    kind: 'metric_point',
    name,
    occurred_at: now.toISOString(),
    type: 'gauge',
    value,
    tags: { server },
  });
  return [
    point('jenkins.queue.items', queue.items.length),
    point('jenkins.queue.stuck', queue.items.filter((i) => i.stuck === true).length),
    point('jenkins.queue.blocked', queue.items.filter((i) => i.blocked === true).length),
    point('jenkins.queue.wait_seconds.max', waits.length ? Math.max(...waits) : 0),
    point(
      'jenkins.queue.wait_seconds.avg',
      waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : 0,
    ),
    point('jenkins.agents.total', computers.computer.length),
    point('jenkins.agents.online', online.length),
    point('jenkins.agents.busy', online.filter((c) => !c.idle).length),
    point('jenkins.executors.total', computers.totalExecutors),
    point('jenkins.executors.busy', computers.busyExecutors),
  ];
}
