/**
 * The `testenv.statsd` mapping: StatsD samples of a test-environment provisioning become the
 * provisioning model's spans (docs/testenv.md). A client sends one timing per phase, a total,
 * a success or failed counter (tagged with its category) and a started counter (tagged whether
 * CI tests had completed), all with the same identifying tags; this observer gathers the
 * samples of one provisioning and, at a flush, emits the root `testenv.provision` span with its
 * phase children, laid out in model order from the root's start. A `down` counter becomes a
 * `testenv.deprovision` span. The series themselves are still aggregated by the listener.
 */
import { createHash } from 'node:crypto';
import { storedName } from './aggregate.js';
import type { SampleObserver } from './listener.js';
import type { StatsdSample } from './parse.js';
import type { TestenvConfig } from './testenv-config.js';

export type TestenvStatsdConfig = TestenvConfig['statsd'];
export const PROVISION_PHASES = ['testenv.checks', 'testenv.kubernetes', 'testenv.wait_ready'] as const;
export type ProvisionPhase = (typeof PROVISION_PHASES)[number];

/** A span in the ingest shape (the `span` kind), as the observer emits it. */
export type ProvisionSpan = {
  kind: 'span';
  span_id: string;
  parent_id: string | null;
  name: string;
  key: string | null;
  repo: string | null;
  team: string | null;
  started_at: string;
  ended_at: string;
  status: 'ok' | 'error';
  failure_category: string | null;
  attributes: Record<string, string | boolean>;
};

export interface TestenvObserverStats {
  /** Samples whose name is one of the mapped metrics. */
  samples: number;
  provisions: number;
  deprovisions: number;
  /** Groups given up: phase timings or a started counter with no total or outcome within the gap. */
  unfinished: number;
  /** Groups dropped because too many were open at once (a flood of distinct identities). */
  overflow: number;
}

export interface TestenvObserver extends SampleObserver {
  drain(nowMs: number): ProvisionSpan[];
  stats(): TestenvObserverStats;
  /** Provisionings seen but not yet emitted (waiting for their last samples). */
  pending(): number;
}

type Slot = ProvisionPhase | 'total' | 'outcome' | 'started';

interface Group {
  identity: string;
  tags: [string, string][];
  filled: Set<Slot>;
  phases: Map<ProvisionPhase, number>;
  totalMs: number | null;
  /** Sample time of the total (the root's end). */
  totalAt: number | null;
  outcome: { status: 'ok' | 'error'; category: string | null; at: number } | null;
  ciComplete: boolean | null;
  lastAt: number;
  /** Sample time of the first total or outcome: the provisioning is complete from here. */
  doneAt: number | null;
  lastReceivedAt: number;
}

const hash = (...parts: (string | number)[]) =>
  createHash('sha1').update(parts.join('\n')).digest('hex').slice(0, 24);

/** How a client's tag value reads as a boolean (`true`, `1`, `yes`); anything else is unknown. */
function flag(v: string): boolean | null {
  const s = v.toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no') return false;
  return null;
}

export interface TestenvObserverOptions {
  /** Open provisionings kept at once; beyond it the oldest is dropped (counted). Default 10,000. */
  maxOpen?: number;
}

/**
 * The observer the listener runs when `testenv.statsd.enabled`. Names match as the aggregator
 * stores them (case-insensitive, normalised by storedName), so `Testenv.Provision.Success` is
 * the mapped success counter too. Each counter sample is one event whatever its value or rate.
 */
export function testenvObserver(
  cfg: TestenvStatsdConfig,
  options: TestenvObserverOptions = {},
): TestenvObserver {
  const maxOpen = options.maxOpen ?? 10_000;
  const gapMs = cfg.group_gap_minutes * 60_000;
  const settleMs = cfg.settle_seconds * 1000;
  const norm = (n: string) => storedName(n) ?? n.toLowerCase();
  const roles = new Map<string, Slot | 'down' | 'success' | 'failed'>();
  roles.set(norm(cfg.total_duration), 'total');
  for (const [phase, name] of Object.entries(cfg.phases)) roles.set(norm(name), phase as ProvisionPhase);
  roles.set(norm(cfg.success), 'success');
  roles.set(norm(cfg.failed), 'failed');
  roles.set(norm(cfg.started), 'started');
  roles.set(norm(cfg.deprovision), 'down');
  const failureTag = cfg.failure_tag.toLowerCase();
  const ciTag = cfg.ci_complete_tag.toLowerCase();
  const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
  const branchTags = lower(cfg.branch_tags);
  const shaTags = lower(cfg.sha_tags);
  const repoTags = lower(cfg.repo_tags);
  const teamTags = lower(cfg.team_tags);
  const modelTags = new Set([...branchTags, ...shaTags, ...repoTags, ...teamTags, failureTag, ciTag]);

  /** Open groups in arrival order (oldest first), per identity. */
  const open = new Map<string, Group[]>();
  let openCount = 0;
  const downs: ProvisionSpan[] = [];
  const st: TestenvObserverStats = { samples: 0, provisions: 0, deprovisions: 0, unfinished: 0, overflow: 0 };

  const first = (tags: [string, string][], keys: string[]): string | null => {
    for (const k of keys) {
      const hit = tags.find(([tk, v]) => tk === k && v !== '');
      if (hit) return hit[1];
    }
    return null;
  };
  const attributesOf = (tags: [string, string][]): Record<string, string | boolean> => {
    const a: Record<string, string | boolean> = {};
    for (const [k, v] of tags) if (!modelTags.has(k)) a[k] = v === '' ? true : v;
    const sha = first(tags, shaTags);
    if (sha !== null) a.sha = sha;
    return a;
  };

  const accepts = (g: Group, slot: Slot, at: number) =>
    !g.filled.has(slot) &&
    Math.abs(at - g.lastAt) <= gapMs &&
    (g.doneAt === null || Math.abs(at - g.doneAt) <= settleMs);

  const groupFor = (identity: string, tags: [string, string][], slot: Slot, at: number, received: number) => {
    let list = open.get(identity);
    const hit = list?.find((g) => accepts(g, slot, at));
    if (hit) return hit;
    if (openCount >= maxOpen) dropOldest();
    const g: Group = {
      identity,
      tags,
      filled: new Set(),
      phases: new Map(),
      totalMs: null,
      totalAt: null,
      outcome: null,
      ciComplete: null,
      lastAt: at,
      doneAt: null,
      lastReceivedAt: received,
    };
    if (!list) open.set(identity, (list = []));
    list.push(g);
    openCount++;
    return g;
  };

  const dropOldest = () => {
    let oldest: Group | null = null;
    for (const list of open.values())
      for (const g of list) if (!oldest || g.lastReceivedAt < oldest.lastReceivedAt) oldest = g;
    if (oldest) {
      remove(oldest);
      st.overflow++;
    }
  };
  const remove = (g: Group) => {
    const list = open.get(g.identity);
    if (!list) return;
    const i = list.indexOf(g);
    if (i >= 0) {
      list.splice(i, 1);
      openCount--;
    }
    if (list.length === 0) open.delete(g.identity);
  };

  const spansOf = (g: Group): ProvisionSpan[] => {
    const end = g.totalAt ?? g.outcome?.at ?? g.lastAt;
    const phaseSum = PROVISION_PHASES.reduce((s, p) => s + (g.phases.get(p) ?? 0), 0);
    const start = end - (g.totalMs ?? phaseSum);
    const failed = g.outcome?.status === 'error';
    const category = failed ? g.outcome!.category : null;
    const common = {
      key: first(g.tags, branchTags),
      repo: first(g.tags, repoTags),
      team: first(g.tags, teamTags),
    };
    const rootId = `tep-${hash('testenv.provision', g.identity, end)}`;
    const attributes = attributesOf(g.tags);
    if (g.ciComplete !== null) attributes.ci_tests_complete = g.ciComplete;
    const present = PROVISION_PHASES.filter((p) => g.phases.has(p));
    const out: ProvisionSpan[] = [];
    let t = start;
    present.forEach((phase, i) => {
      const d = g.phases.get(phase)!;
      // A failure stops at the last phase it reached: that phase carries the error and the category.
      const failsHere = failed && i === present.length - 1;
      out.push({
        kind: 'span',
        span_id: `${rootId}-${phase.slice('testenv.'.length)}`,
        parent_id: rootId,
        name: phase,
        ...common,
        started_at: new Date(t).toISOString(),
        ended_at: new Date(t + d).toISOString(),
        status: failsHere ? 'error' : 'ok',
        failure_category: failsHere ? category : null,
        attributes: {},
      });
      t += d;
    });
    out.push({
      kind: 'span',
      span_id: rootId,
      parent_id: null,
      name: 'testenv.provision',
      ...common,
      started_at: new Date(start).toISOString(),
      ended_at: new Date(end).toISOString(),
      status: failed ? 'error' : 'ok',
      failure_category: category,
      attributes,
    });
    return out;
  };

  const observeOne = (sample: StatsdSample, value: number, receivedAtMs: number) => {
    const role = roles.get(norm(sample.name));
    if (!role) return;
    const isTiming = sample.type === 'ms' || sample.type === 'h' || sample.type === 'd';
    const isCounter = sample.type === 'c';
    const at = sample.timestamp !== null ? sample.timestamp * 1000 : receivedAtMs;
    const tags = sample.tags.map(([k, v]) => [k.toLowerCase(), v] as [string, string]);
    if (role === 'down') {
      if (!isCounter || !(value > 0)) return;
      st.samples++;
      st.deprovisions++;
      downs.push({
        kind: 'span',
        span_id: `ted-${hash('testenv.deprovision', JSON.stringify(tags), at)}`,
        parent_id: null,
        name: 'testenv.deprovision',
        key: first(tags, branchTags),
        repo: first(tags, repoTags),
        team: first(tags, teamTags),
        started_at: new Date(at).toISOString(),
        ended_at: new Date(at).toISOString(),
        status: 'ok',
        failure_category: null,
        attributes: attributesOf(tags),
      });
      return;
    }
    const timingRole = role === 'total' || PROVISION_PHASES.includes(role as ProvisionPhase);
    if (timingRole ? !isTiming || !(value >= 0) : !isCounter || !(value > 0)) return;
    st.samples++;
    const identityTags = tags.filter(([k]) => k !== failureTag && k !== ciTag);
    const identity = JSON.stringify(identityTags);
    const slot: Slot = role === 'success' || role === 'failed' ? 'outcome' : (role as Slot);
    const g = groupFor(identity, identityTags, slot, at, receivedAtMs);
    g.filled.add(slot);
    g.lastAt = Math.max(g.lastAt, at);
    g.lastReceivedAt = Math.max(g.lastReceivedAt, receivedAtMs);
    if (role === 'total') {
      g.totalMs = value;
      g.totalAt = at;
    } else if (role === 'success') g.outcome = { status: 'ok', category: null, at };
    else if (role === 'failed')
      g.outcome = { status: 'error', category: first(tags, [failureTag]) ?? 'unknown', at };
    else if (role === 'started') {
      const v = first(tags, [ciTag]);
      g.ciComplete = v === null ? null : flag(v);
    } else g.phases.set(role as ProvisionPhase, value);
    if ((role === 'total' || slot === 'outcome') && g.doneAt === null) g.doneAt = at;
  };

  return {
    observe(sample, receivedAtMs) {
      if (!cfg.enabled) return;
      for (const v of sample.values) observeOne(sample, v, receivedAtMs);
    },
    drain(nowMs) {
      const out: ProvisionSpan[] = downs.splice(0);
      const ready: Group[] = [];
      const expired: Group[] = [];
      for (const list of open.values())
        for (const g of list) {
          if (g.doneAt !== null && nowMs - g.lastReceivedAt >= settleMs) ready.push(g);
          else if (g.doneAt === null && nowMs - g.lastReceivedAt > gapMs) expired.push(g);
        }
      for (const g of expired) remove(g);
      st.unfinished += expired.length;
      ready.sort((a, b) => (a.totalAt ?? a.doneAt!) - (b.totalAt ?? b.doneAt!));
      for (const g of ready) {
        remove(g);
        st.provisions++;
        out.push(...spansOf(g));
      }
      return out;
    },
    stats: () => ({ ...st }),
    pending: () => openCount,
  };
}
