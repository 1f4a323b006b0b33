import { z } from 'zod';
import type { RecordInput } from '../../domain/records.js';
import { gauge } from '../gauge.js';

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
      .array(
        z
          .object({
            displayName: z.string().nullish(),
            offline: z.boolean().default(false),
            idle: z.boolean().default(true),
            assignedLabels: z.array(z.object({ name: z.string() }).loose()).default([]),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();

/**
 * Why a queued build waits, from Jenkins' `why` text (CauseOfBlockage messages), with the label
 * it waits for when the text names one: "Waiting for next available executor on ‘linux’",
 * "There are no nodes with the label ‘docker’", "‘agent-3’ is offline", "Build #5 is already in
 * progress", "In the quiet period. Expires in 4.9 sec".
 */
export function waitReason(why: string | null | undefined): { reason: string; label: string | null } {
  const text = why ?? '';
  const named = /(?:on|label|nodes with the label) [‘'"]?([^’'"\s]+)[’'"]?/.exec(text);
  const label = named ? named[1]! : null;
  if (/next available executor/i.test(text)) return { reason: 'executor', label };
  if (/no nodes with the label|is offline|all nodes of label/i.test(text))
    return {
      reason: 'no_agent',
      label: label ?? /^[‘'"]?([^’'"\s]+)[’'"]? is offline/.exec(text)?.[1] ?? null,
    };
  if (/already in progress/i.test(text)) return { reason: 'in_progress', label: null };
  if (/quiet period/i.test(text)) return { reason: 'quiet_period', label: null };
  return { reason: 'other', label: null };
}

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
  const point = (name: string, value: number, tags: Record<string, string> = {}) =>
    gauge(name, value, now.toISOString(), { server, ...tags });
  // Queued items per reason (and label waited for), and agents per label they carry (each
  // node's label of its own name left out: it is the node, not a pool).
  const waiting = new Map<string, { reason: string; label: string | null; n: number }>();
  for (const i of queue.items) {
    const w = waitReason(i.why);
    const k = `${w.reason}\u0000${w.label ?? ''}`;
    waiting.set(k, { ...w, n: (waiting.get(k)?.n ?? 0) + 1 });
  }
  const pools = new Map<string, { total: number; online: number; busy: number }>();
  for (const c of computers.computer)
    for (const { name } of c.assignedLabels) {
      if (name === c.displayName) continue;
      const p = pools.get(name) ?? { total: 0, online: 0, busy: 0 };
      p.total++;
      if (!c.offline) p.online++;
      if (!c.offline && !c.idle) p.busy++;
      pools.set(name, p);
    }
  return [
    ...[...waiting.values()].map((w) =>
      point('jenkins.queue.waiting', w.n, { reason: w.reason, ...(w.label && { label: w.label }) }),
    ),
    ...[...pools].flatMap(([label, p]) => [
      point('jenkins.label.agents.total', p.total, { label }),
      point('jenkins.label.agents.online', p.online, { label }),
      point('jenkins.label.agents.busy', p.busy, { label }),
    ]),
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
