import { fnv1a } from '../domain/fnv1a.js';
import type { Queryable, SqlValue, TableWrite } from '../store/store.js';
import { placeholders } from '../store/store.js';

export type AlertStatus = 'pending' | 'firing' | 'resolved';
/** What a channel was last told about an alert. */
export type Notified = 'firing' | 'resolved';

/** One alert: a rule for one group value of its `by` (or the whole metric), as alert_state keeps it. */
export interface Alert {
  id: string;
  rule: string;
  /** The group value of the rule's `by`; null when the rule has none. */
  group: string | null;
  metric: string;
  severity: string;
  state: AlertStatus;
  value: number | null;
  threshold: number;
  pendingSince: Date | null;
  firedAt: Date | null;
  resolvedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  silencedUntil: Date | null;
  /** channel name → what it was last told. */
  notified: Record<string, Notified>;
  lastError: string | null;
  evaluatedAt: Date;
}

/** Stable across restarts and replicas: the rule's name and a hash of the group value (URL-safe). */
export const alertId = (rule: string, group: string | null) =>
  `${rule}.${fnv1a(group ?? '')
    .toString(16)
    .padStart(8, '0')}`;

const COLUMNS = [
  'id',
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
  'acknowledged_at',
  'acknowledged_by',
  'silenced_until',
  'notified',
  'last_error',
  'evaluated_at',
] as const;

type Row = Record<(typeof COLUMNS)[number], SqlValue>;

const date = (v: SqlValue): Date | null => (v === null ? null : v instanceof Date ? v : new Date(String(v)));

function fromRow(r: Row): Alert {
  return {
    id: String(r.id),
    rule: String(r.rule),
    group: r.grp === '' ? null : String(r.grp),
    metric: String(r.metric),
    severity: String(r.severity),
    state: r.state as AlertStatus,
    value: r.value === null ? null : Number(r.value),
    threshold: Number(r.threshold),
    pendingSince: date(r.pending_since),
    firedAt: date(r.fired_at),
    resolvedAt: date(r.resolved_at),
    acknowledgedAt: date(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by === null ? null : String(r.acknowledged_by),
    silencedUntil: date(r.silenced_until),
    notified: JSON.parse(String(r.notified)) as Record<string, Notified>,
    lastError: r.last_error === null ? null : String(r.last_error),
    evaluatedAt: date(r.evaluated_at)!,
  };
}

export function alertWrite(alerts: readonly Alert[]): TableWrite {
  return {
    table: 'alert_state',
    columns: COLUMNS,
    key: ['id'],
    rows: alerts.map((a) => [
      a.id,
      a.rule,
      a.group ?? '',
      a.metric,
      a.severity,
      a.state,
      a.value,
      a.threshold,
      a.pendingSince,
      a.firedAt,
      a.resolvedAt,
      a.acknowledgedAt,
      a.acknowledgedBy,
      a.silencedUntil,
      JSON.stringify(a.notified),
      a.lastError,
      a.evaluatedAt,
    ]),
  };
}

/** Every alert, or those of the given states; firing first, then by severity and since when. */
export async function readAlerts(q: Queryable, states?: readonly AlertStatus[]): Promise<Alert[]> {
  const where = states?.length ? `where state in (${placeholders(states.length)})` : '';
  const rows = await q.query<Row>(
    `select ${COLUMNS.join(', ')} from alert_state ${where} order by rule, grp`,
    states ? [...states] : [],
  );
  const rank = { firing: 0, pending: 1, resolved: 2 } as const;
  const sev: Record<string, number> = { critical: 0, warning: 1, info: 2 };
  return rows
    .map(fromRow)
    .sort(
      (a, b) =>
        rank[a.state] - rank[b.state] ||
        (sev[a.severity] ?? 3) - (sev[b.severity] ?? 3) ||
        (a.firedAt?.getTime() ?? 0) - (b.firedAt?.getTime() ?? 0) ||
        a.id.localeCompare(b.id),
    );
}

export async function readAlert(q: Queryable, id: string): Promise<Alert | null> {
  const rows = await q.query<Row>(`select ${COLUMNS.join(', ')} from alert_state where id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}
