import type { DemoContext } from './context.js';
import { DAY, HOUR, MINUTE } from './options.js';

/**
 * The platform's real-time health as its collectors sample it (Jenkins queue and agents, Argo CD
 * application status, four service health checks, two PromQL capacity checks), daily at noon
 * (few records: the demo's size follows its developers), and once more 5 minutes before its end with the values of the platform team's dashboard: the newest sample
 * in any window reaching the end is exactly `PLATFORM_HEALTH`, which the ground-truth test
 * recovers through the registry. Earlier samples move on a fixed weekly wave so trends have a
 * shape; no draw from the demo's random streams, so adding this changed nothing else.
 */
export const PLATFORM_HEALTH = {
  jenkins: {
    server: 'ci.demo.example',
    queue: 28,
    stuck: 2,
    waitSeconds: 12 * 60,
    agents: { total: 15, online: 14, busy: 8 },
    executors: { total: 30, busy: 16 },
  },
  // 12% of 53 applications is not a whole number: 6 failed syncs of 53 (11.3%) is the nearest.
  argocd: { instance: 'argocd.demo.example', total: 53, healthy: 47, failed: 6 },
  services: [
    { service: 'backstage', latencyMs: 210, certDays: 61, state: 0 },
    { service: 'harbor', latencyMs: 95, certDays: 44, state: 0 },
    { service: 'mattermost', latencyMs: 140, certDays: 12, state: 1 },
    { service: 'prometheus', latencyMs: 35, certDays: 88, state: 0 },
  ],
  /** PromQL checks of the health collector: the cluster's capacity (warn 75, crit 90 percent). */
  queries: [
    { service: 'kubernetes', check: 'cpu', value: 65, unit: 'percent', state: 0 },
    { service: 'kubernetes', check: 'memory', value: 78, unit: 'percent', state: 1 },
  ],
  /** Every `downEvery`-th daily health sample of backstage failed (uptime below 100%). */
  downEvery: 20,
} as const;

const NOON = 12 * HOUR;

/** The day's sample at noon, and on the last day the final one. */
export function platformHealthDay(ctx: DemoContext, dayStart: number): void {
  const at = dayStart + NOON;
  if (at < ctx.end - 5 * MINUTE) sample(ctx, at, Math.sin(((at - ctx.start) / (7 * DAY)) * 2 * Math.PI));
  if (dayStart + DAY >= ctx.end) sample(ctx, ctx.end - 5 * MINUTE, null);
}

/** Index of a daily sample since the demo's start: which ones backstage failed. */
const sampleIndex = (ctx: Pick<DemoContext, 'start'>, at: number) => Math.floor((at - ctx.start) / DAY);

function sample(ctx: DemoContext, at: number, wave: number | null): void {
  const h = PLATFORM_HEALTH;
  const occurred_at = new Date(at);
  const point = (name: string, value: number, tags: Record<string, string>) =>
    ctx.emit({ kind: 'metric_point', name, occurred_at, type: 'gauge', value, tags });
  // The final sample is the dashboard's; earlier ones sway around it.
  const sway = (v: number, amp: number) =>
    wave === null ? v : Math.max(0, Math.round(v - amp + amp * wave));
  const server = { server: h.jenkins.server };
  const queue = sway(h.jenkins.queue, 12);
  point('jenkins.queue.items', queue, server);
  point('jenkins.queue.stuck', sway(h.jenkins.stuck, 2), server);
  point('jenkins.queue.blocked', 0, server);
  point('jenkins.queue.wait_seconds.avg', queue ? sway(h.jenkins.waitSeconds, 300) : 0, server);
  point('jenkins.queue.wait_seconds.max', queue ? sway(h.jenkins.waitSeconds * 3, 600) : 0, server);
  point('jenkins.agents.total', h.jenkins.agents.total, server);
  point('jenkins.agents.online', h.jenkins.agents.online, server);
  point('jenkins.agents.busy', sway(h.jenkins.agents.busy, 3), server);
  point('jenkins.executors.total', h.jenkins.executors.total, server);
  point('jenkins.executors.busy', sway(h.jenkins.executors.busy, 6), server);
  const instance = { instance: h.argocd.instance };
  const failed = sway(h.argocd.failed, 4);
  const healthy = Math.min(h.argocd.total, sway(h.argocd.healthy, -3));
  point('argocd.apps.total', h.argocd.total, instance);
  point('argocd.apps.healthy', healthy, instance);
  point('argocd.apps.healthy_share', healthy / h.argocd.total, instance);
  point('argocd.sync.failed_apps', failed, instance);
  point('argocd.sync.failure_rate', failed / h.argocd.total, instance);
  for (const s of h.services) {
    const down = wave !== null && s.service === 'backstage' && sampleIndex(ctx, at) % h.downEvery === 1;
    const tags = { service: s.service };
    point('health.up', down ? 0 : 1, tags);
    point('health.status_code', down ? 503 : 200, tags);
    point('health.latency_ms', sway(s.latencyMs, Math.round(s.latencyMs / 4)), tags);
    point('health.cert_days_left', s.certDays + Math.floor((ctx.end - 5 * MINUTE - at) / DAY), tags);
    point('health.state', down ? 2 : s.state, tags);
  }
  for (const q of h.queries) {
    const tags = { service: q.service, check: q.check, unit: q.unit };
    point('health.query', sway(q.value, 10), tags);
    point('health.query_state', wave === null ? q.state : 0, tags);
  }
}

/** How many of backstage's samples in [from, to) failed, and how many there are: its uptime. */
export function backstageSamples(ctx: Pick<DemoContext, 'start' | 'end'>, from: number, to: number) {
  let n = 0;
  let down = 0;
  for (let at = ctx.start + NOON; at < ctx.end - 5 * MINUTE; at += DAY)
    if (at >= from && at < to) {
      n++;
      if (sampleIndex(ctx, at) % PLATFORM_HEALTH.downEvery === 1) down++;
    }
  if (ctx.end - 5 * MINUTE >= from && ctx.end - 5 * MINUTE < to) n++;
  return { n, down };
}
