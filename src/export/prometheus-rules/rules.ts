import { stringify } from 'yaml';
import type { AlertRule } from '../../alerts/config.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import { configAlert } from './config-alerts.js';
import { recordingRules } from './recording.js';
import { thresholdAlerts } from './thresholds.js';
import type { AlertingRule, RuleFile, Unmapped } from './types.js';

export interface RulesOptions {
  /** The scrape job's name in the Prometheus config (for the scrape-health alert). */
  job: string;
  /** How long a threshold must be crossed before its alert fires. */
  for: string;
}

export interface BuiltRules {
  file: RuleFile;
  /** `alerts:` rules with no PromQL form, and why (printed as comments and on stderr). */
  unmapped: Unmapped[];
}

/**
 * `pitwall prometheus rules`: recording rules over the /metrics gauges, alerting rules from the
 * registry's thresholds (config overrides included: the registry is the config's) and from the
 * `alerts:` rules that map, plus an alert when Prometheus cannot scrape Pitwall. Deterministic:
 * the same registry and config give the same file.
 */
export function buildRules(
  registry: MetricRegistry,
  alerts: readonly AlertRule[],
  o: RulesOptions,
): BuiltRules {
  const defs = registry.list();
  const mapped: AlertingRule[] = [];
  const unmapped: Unmapped[] = [];
  for (const r of alerts) {
    const a = configAlert(r);
    if ('alert' in a) mapped.push(a);
    else unmapped.push(a);
  }
  const groups = [
    { name: 'pitwall.recording', rules: defs.flatMap(recordingRules) },
    { name: 'pitwall.thresholds', rules: defs.flatMap((d) => thresholdAlerts(d, { for: o.for })) },
    { name: 'pitwall.alerts', rules: mapped },
    {
      name: 'pitwall.scrape',
      rules: [
        {
          alert: 'PitwallScrapeFailing',
          expr: `up{job="${o.job}"} == 0 or absent(up{job="${o.job}"})`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: `Prometheus has not scraped Pitwall (job ${o.job}) for 10 minutes`,
            description:
              'Check that pitwall serve is up, that the scrape has a read-scope token (or the server allows anonymous reads) and that a scrape finishes within scrape_timeout.',
          },
        },
      ],
    },
  ].filter((g) => g.rules.length);
  return { file: { groups }, unmapped };
}

/** The rule file as YAML, with a header naming what made it and the rules left out. */
export function rulesYaml(b: BuiltRules): string {
  const head = [
    '# Prometheus rules for the pitwall_* gauges of Pitwall /metrics, written by `pitwall prometheus rules`.',
    '# Check with: promtool check rules <this file>',
    ...b.unmapped.map((u) => `# alerts rule ${u.rule} left out: ${u.reason}`),
  ];
  return `${head.join('\n')}\n${stringify(b.file, { lineWidth: 0 })}`;
}
