import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Store } from '../store/store.js';
import type { Channel } from './channels/index.js';
import { durationMs, type AlertRule } from './config.js';
import { alertMessage } from './message.js';
import { observe, type Observation } from './observe.js';
import { alertId, alertWrite, readAlerts, type Alert } from './state.js';

export interface EvaluateInput {
  store: Store;
  registry: MetricRegistry;
  rules: readonly AlertRule[];
  channels: ReadonlyMap<string, Channel>;
  now: Date;
  logger: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

export interface Delivery {
  alert: string;
  channel: string;
  event: 'firing' | 'resolved';
  ok: boolean;
  error?: string;
}

export interface EvaluationResult {
  /** Alerts that started firing, and that resolved, in this evaluation. */
  fired: string[];
  resolved: string[];
  deliveries: Delivery[];
}

/** Columns an evaluation owns: acknowledgement and silence belong to the API. */
const EVALUATED = [
  'rule',
  'grp',
  'metric',
  'severity',
  'state',
  'value',
  'threshold',
  'pending_since',
  'fired_at',
  'resolved_at',
  'notified',
  'last_error',
  'evaluated_at',
];

/**
 * The state machine of one alert for one observation: pending while the condition has held for
 * less than `for`, then firing; resolved when it no longer holds; a pending alert that clears
 * was never an alert and is dropped (null). `refired` says the acknowledgement is to be cleared.
 */
export function step(
  prev: Alert | null,
  rule: AlertRule,
  obs: Observation | undefined,
  now: Date,
): { next: Alert | null; refired: boolean } {
  const breached = obs?.breached ?? false;
  const value = obs?.value ?? null;
  const forMs = durationMs(rule.for)!;
  const group = obs?.group ?? prev?.group ?? null;
  const base: Alert = prev ?? {
    id: alertId(rule.name, group),
    rule: rule.name,
    group,
    metric: rule.metric,
    severity: rule.severity,
    state: 'pending',
    value,
    threshold: rule.threshold,
    pendingSince: null,
    firedAt: null,
    resolvedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    silencedUntil: null,
    notified: {},
    lastError: null,
    evaluatedAt: now,
  };
  const same = {
    ...base,
    metric: rule.metric,
    severity: rule.severity,
    threshold: rule.threshold,
    value,
    evaluatedAt: now,
  };
  if (!breached) {
    if (!prev || prev.state === 'pending') return { next: null, refired: false };
    if (prev.state === 'firing')
      return { next: { ...same, state: 'resolved', resolvedAt: now }, refired: false };
    return { next: same, refired: false };
  }
  // Breached: a new episode starts from nothing or from resolved.
  const fresh = !prev || prev.state === 'resolved';
  const pendingSince = fresh ? now : (prev.pendingSince ?? now);
  if (prev?.state === 'firing') return { next: same, refired: false };
  if (now.getTime() - pendingSince.getTime() >= forMs)
    return {
      next: {
        ...same,
        state: 'firing',
        pendingSince,
        firedAt: now,
        resolvedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
      },
      refired: prev !== null,
    };
  return {
    next: { ...same, state: 'pending', pendingSince, firedAt: null, resolvedAt: null },
    refired: false,
  };
}

/**
 * One pass over every rule: observe, move each alert's state, tell each channel what it has not
 * been told (one message when an alert fires, one when it resolves, none while silenced; a
 * channel that failed is retried next pass), and persist. The persisted `notified` is what makes
 * a restart or a second replica quiet.
 */
export async function evaluateAlerts(i: EvaluateInput): Promise<EvaluationResult> {
  const result: EvaluationResult = { fired: [], resolved: [], deliveries: [] };
  const existing = await readAlerts(i.store);
  const ruleNames = new Set(i.rules.map((r) => r.name));
  const gone = existing.filter((a) => !ruleNames.has(a.rule) && a.state !== 'resolved');
  const writes: Alert[] = [];
  const refiredWrites: Alert[] = [];
  const dropped: string[] = [];
  for (const rule of i.rules) {
    let observations: Observation[];
    try {
      observations = await observe(i.store, i.registry, rule, i.now);
    } catch (e) {
      i.logger.warn({ rule: rule.name, error: (e as Error).message }, 'alert rule could not be evaluated');
      continue;
    }
    const mine = new Map(existing.filter((a) => a.rule === rule.name).map((a) => [a.group, a]));
    const seen = new Map(observations.map((o) => [o.group, o]));
    for (const group of new Set([...mine.keys(), ...seen.keys()])) {
      const prev = mine.get(group) ?? null;
      const { next, refired } = step(prev, rule, seen.get(group), i.now);
      if (!next) {
        if (prev) dropped.push(prev.id);
        continue;
      }
      if (next.state === 'firing' && prev?.state !== 'firing') result.fired.push(next.id);
      if (next.state === 'resolved' && prev?.state === 'firing') result.resolved.push(next.id);
      await notify(i, rule, next, result.deliveries);
      (refired ? refiredWrites : writes).push(next);
    }
  }
  // A rule removed from the config resolves its alerts (without a message: nothing tells it).
  for (const a of gone) writes.push({ ...a, state: 'resolved', resolvedAt: i.now, evaluatedAt: i.now });
  await i.store.transaction(async (tx) => {
    if (dropped.length)
      await tx.query(
        `delete from alert_state where id in (${dropped.map((_, k) => `$${k + 1}`).join(', ')}) and state = 'pending'`,
        dropped,
      );
    await tx.upsert(
      [
        ...(writes.length ? [{ ...alertWrite(writes), update: EVALUATED }] : []),
        ...(refiredWrites.length ? [alertWrite(refiredWrites)] : []),
      ].filter((w) => w.rows.length),
    );
  });
  for (const id of result.fired) i.logger.info({ alert: id }, 'alert firing');
  for (const id of result.resolved) i.logger.info({ alert: id }, 'alert resolved');
  return result;
}

async function notify(i: EvaluateInput, rule: AlertRule, a: Alert, out: Delivery[]): Promise<void> {
  if (a.silencedUntil && i.now < a.silencedUntil) return;
  const event = a.state === 'firing' ? 'firing' : a.state === 'resolved' ? 'resolved' : null;
  if (!event) return;
  const errors: string[] = [];
  for (const name of rule.channels) {
    const told = a.notified[name];
    const due = event === 'firing' ? told !== 'firing' : told === 'firing';
    if (!due) continue;
    const channel = i.channels.get(name);
    try {
      if (!channel) throw new Error(`channel ${name} is not configured in notify.channels`);
      await channel.sendAlert(alertMessage(i.registry, rule, a, event));
      a.notified = { ...a.notified, [name]: event };
      out.push({ alert: a.id, channel: name, event, ok: true });
    } catch (e) {
      const error = (e as Error).message;
      errors.push(error);
      out.push({ alert: a.id, channel: name, event, ok: false, error });
      i.logger.warn(
        { alert: a.id, channel: name, error },
        'alert notification failed; retried at the next evaluation',
      );
    }
  }
  a.lastError = errors.length ? errors.join('; ') : null;
}
