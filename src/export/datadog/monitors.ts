import { v1 } from '@datadog/datadog-api-client';
import type { Config } from '../../config/schema.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import { EXPORTER_HEARTBEAT, EXPORTER_RATE_LIMITED, SOURCE_FAILING } from './health-metrics.js';
import { datadogName, datadogTag } from './names.js';

/** Every monitor Pitwall manages carries this tag; `pitwall-monitor:<key>` says which one it is. */
export const MANAGED_TAG = 'managed-by:pitwall';
export const monitorKeyTag = (key: string) => datadogTag('pitwall-monitor', key);

export interface MonitorSpec {
  /** Stable identity: a push updates the live monitor carrying `pitwall-monitor:<key>`. */
  key: string;
  /** The v1 `Monitor` body (the API's field names). */
  body: {
    name: string;
    type: 'metric alert' | 'query alert';
    query: string;
    message: string;
    tags: string[];
    priority?: number;
    options: {
      thresholds: { critical: number; warning?: number };
      notify_no_data: boolean;
      no_data_timeframe?: number;
      require_full_window: boolean;
      include_tags: boolean;
    };
  };
}

const AT = '{{#is_alert}}@pitwall-oncall{{/is_alert}}';

function spec(key: string, body: Omit<MonitorSpec['body'], 'tags'>, tags: readonly string[]): MonitorSpec {
  return { key, body: { ...body, tags: [MANAGED_TAG, monitorKeyTag(key), ...tags].sort() } };
}

/**
 * The monitors as code (docs/datadog.md): the exporter's health (its heartbeat stops: "no data
 * in 30 minutes"; it meets rate limits), each collector's and listener's health (its last run
 * failed), and a threshold monitor for each metric the user asked about: every
 * `metrics.thresholds` entry (red past yellow, warning past green) and every `alerts:` rule
 * with `above`/`below` (its threshold at its severity). `change` rules have no Datadog
 * equivalent over daily points and are left to Pitwall's own alerting.
 */
export function buildMonitors(registry: MetricRegistry, config: Config): MonitorSpec[] {
  const tags = config.datadog.tags;
  const prefix = { prefix: config.datadog.prefix };
  const out: MonitorSpec[] = [
    spec(
      'exporter-no-data',
      {
        name: 'Pitwall: no metrics exported to Datadog in 30 minutes',
        type: 'metric alert',
        query: `max(last_30m):max:${EXPORTER_HEARTBEAT}{exporter:datadog} < 1`,
        message: `The Pitwall Datadog exporter has sent no heartbeat for 30 minutes: check the \`exporters:\` job in pitwall serve (or the CronJob) and its health in \`pitwall collectors list\`. ${AT}`,
        options: {
          thresholds: { critical: 1 },
          notify_no_data: true,
          no_data_timeframe: 30,
          require_full_window: false,
          include_tags: true,
        },
      },
      tags,
    ),
    spec(
      'exporter-rate-limited',
      {
        name: 'Pitwall: Datadog API rate limits met by the exporter',
        type: 'metric alert',
        query: `max(last_1h):max:${EXPORTER_RATE_LIMITED}{exporter:datadog} > 5`,
        message: `The exporter met Datadog 429 answers (it retried after the wait asked): send less often or fewer metrics (\`--metrics\`, \`datadog.max_payload_bytes\`). ${AT}`,
        options: {
          thresholds: { critical: 5, warning: 0 },
          notify_no_data: false,
          require_full_window: false,
          include_tags: true,
        },
      },
      tags,
    ),
    spec(
      'source-failing',
      {
        name: 'Pitwall: {{source.name}} failed its last run',
        type: 'metric alert',
        query: `max(last_30m):max:${SOURCE_FAILING}{*} by {source} >= 1`,
        message: `Pitwall source {{source.name}} (a collector, listener or exporter) failed after its last success: its error is in \`pitwall collectors list\`. ${AT}`,
        options: {
          thresholds: { critical: 1 },
          notify_no_data: false,
          require_full_window: false,
          include_tags: true,
        },
      },
      tags,
    ),
  ];
  const scope = tags.length ? tags.join(',') : '*';
  for (const name of Object.keys(config.metrics.thresholds).sort()) {
    const def = registry.get(name);
    const th = def.thresholds ?? config.metrics.thresholds[name]!;
    const above = def.direction === 'lower_is_better';
    out.push(
      spec(
        `threshold-${name}`,
        {
          name: `Pitwall: ${def.title} ${above ? 'above' : 'below'} ${th.yellow} ${def.unit}`,
          type: 'metric alert',
          query: `avg(last_2d):avg:${datadogName(name, prefix)}{${scope}} ${above ? '>' : '<'} ${th.yellow}`,
          message: `${def.title} is ${above ? 'above' : 'below'} its threshold (pitwall.yaml metrics.thresholds). ${def.action} ${AT}`,
          options: {
            thresholds: { critical: th.yellow, warning: th.green },
            notify_no_data: false,
            require_full_window: false,
            include_tags: true,
          },
        },
        tags,
      ),
    );
  }
  for (const rule of config.alerts) {
    if (rule.when === 'change') continue;
    const def = registry.get(rule.metric);
    const by = rule.by ? ` by {${rule.by}}` : '';
    out.push(
      spec(
        `alert-${rule.name}`,
        {
          name: `Pitwall alert ${rule.name}: ${def.title} ${rule.when} ${rule.threshold} ${def.unit}`,
          type: 'metric alert',
          query: `avg(last_2d):avg:${datadogName(rule.metric, prefix)}{${scope}}${by} ${rule.when === 'above' ? '>' : '<'} ${rule.threshold}`,
          message: `Pitwall alert rule ${rule.name} (pitwall.yaml alerts:): ${def.title} ${rule.when} ${rule.threshold}. ${def.action} ${AT}`,
          priority: rule.severity === 'critical' ? 1 : rule.severity === 'warning' ? 3 : 5,
          options: {
            thresholds: { critical: rule.threshold },
            notify_no_data: false,
            require_full_window: false,
            include_tags: true,
          },
        },
        tags,
      ),
    );
  }
  return out;
}

/** A spec as the client's model, serialized exactly as the client sends it. */
export const monitorModel = (s: MonitorSpec) =>
  v1.ObjectSerializer.deserialize(s.body, 'Monitor', '') as v1.Monitor;

export interface PushResult {
  key: string;
  action: 'created' | 'updated' | 'unchanged';
  id: number | null;
}

const same = (live: v1.Monitor, want: MonitorSpec['body']) =>
  live.query === want.query &&
  live.name === want.name &&
  live.message === want.message &&
  JSON.stringify([...(live.tags ?? [])].sort()) === JSON.stringify(want.tags);

/**
 * Creates or updates each monitor by its `pitwall-monitor:<key>` tag (list the managed ones,
 * match, update what differs, create what is missing). Monitors Pitwall no longer builds are
 * left alone: deleting is the user's decision.
 */
export async function pushMonitors(
  api: v1.MonitorsApi,
  specs: readonly MonitorSpec[],
  dryRun: boolean,
): Promise<PushResult[]> {
  const live = await api.listMonitors({ monitorTags: MANAGED_TAG });
  const byKey = new Map<string, v1.Monitor>();
  for (const m of live) {
    const k = (m.tags ?? []).find((t) => t.startsWith('pitwall-monitor:'));
    if (k) byKey.set(k.slice('pitwall-monitor:'.length), m);
  }
  const out: PushResult[] = [];
  for (const s of specs) {
    const cur = byKey.get(datadogTag('pitwall-monitor', s.key).slice('pitwall-monitor:'.length));
    if (cur && same(cur, s.body)) {
      out.push({ key: s.key, action: 'unchanged', id: cur.id ?? null });
      continue;
    }
    if (dryRun) {
      out.push({ key: s.key, action: cur ? 'updated' : 'created', id: cur?.id ?? null });
      continue;
    }
    if (cur?.id !== undefined) {
      const body = v1.ObjectSerializer.deserialize(
        s.body,
        'MonitorUpdateRequest',
        '',
      ) as v1.MonitorUpdateRequest;
      const m = await api.updateMonitor({ monitorId: cur.id, body });
      out.push({ key: s.key, action: 'updated', id: m.id ?? cur.id });
    } else {
      const m = await api.createMonitor({ body: monitorModel(s) });
      out.push({ key: s.key, action: 'created', id: m.id ?? null });
    }
  }
  return out;
}
