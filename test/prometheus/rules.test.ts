import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { loadConfig } from '../../src/plugins.js';
import { cli } from '../helpers/cli.js';

/** promtool's answer to one command: its exit code and what it printed. */
function promtool(args: string[], cwd: string) {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const CONFIG = `
metrics:
  thresholds:
    github.prs.cycle_time_hours: { green: 10, yellow: 20 }
alerts:
  - name: ci-slow
    metric: ci.runs.duration_p90_minutes
    when: above
    threshold: 30
    window: 30d
    for: 1h
    by: team
    severity: critical
  - name: deploys-down
    metric: dora.deploys.days_per_week
    when: change
    threshold: -0.5
    window: 30d
  - name: weekly-cycle
    metric: github.prs.cycle_time_hours
    when: above
    threshold: 48
    window: 7d
`;

describe('pitwall prometheus rules, checked by promtool', () => {
  let dir: string;
  let rules: { groups: { name: string; rules: Rule[] }[] };
  let stderr: string;
  const all = () => rules.groups.flatMap((g) => g.rules);
  const registry = () => registryFor(loadConfig({ cwd: dir, env: {} }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-rules-'));
    writeFileSync(join(dir, 'pitwall.yaml'), CONFIG);
    const r = await cli(['prometheus', 'rules', '--out', 'pitwall.rules.yml', '--for', '20m'], { cwd: dir });
    expect(r.stderr).toMatch(/pitwall\.rules\.yml: 4 group\(s\)/);
    expect(r.code).toBe(0);
    stderr = r.stderr;
    rules = parse(readFileSync(join(dir, 'pitwall.rules.yml'), 'utf8'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a file promtool check rules accepts, and a broken copy fails it', () => {
    const ok = promtool(['check', 'rules', 'pitwall.rules.yml'], dir);
    expect(ok.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(ok.code).toBe(0);
    const text = readFileSync(join(dir, 'pitwall.rules.yml'), 'utf8');
    writeFileSync(join(dir, 'broken.yml'), text.replace(/expr: max\(/, 'expr: max(('));
    const bad = promtool(['check', 'rules', 'broken.yml'], dir);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/parse error|unclosed|FAILED/i);
  });

  it('prints the same rules without --out, and holds recording rules per team', async () => {
    const r = await cli(['prometheus', 'rules', '--for', '20m'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, 'pitwall.rules.yml'), 'utf8'));
    const rec = all().filter((x) => x.record);
    expect(rec.find((x) => x.record === 'pitwall:github_prs_cycle_time_hours:worst_team')?.expr).toBe(
      'max(pitwall_github_prs_cycle_time_hours{team!=""})',
    );
    expect(rec.find((x) => x.record === 'pitwall:dora_deploys_days_per_week:worst_team')?.expr).toMatch(
      /^min\(/,
    );
    expect(rec.find((x) => x.record === 'pitwall:github_prs_cycle_time_hours:teams_off_target')?.expr).toBe(
      'count(pitwall_github_prs_cycle_time_hours{team!=""} > 10) or vector(0)',
    );
  });

  it('alerts on every metric with thresholds, overrides included, on the side its direction says', () => {
    const reg = registry();
    const withThresholds = reg.list().filter((d) => d.thresholds);
    const alerts = all().filter((x) => x.alert && x.labels?.metric && !x.labels.pitwall_rule);
    for (const d of withThresholds) {
      const mine = alerts.filter((a) => a.labels!.metric === d.name);
      expect({ metric: d.name, severities: mine.map((a) => a.labels!.severity).sort() }).toEqual({
        metric: d.name,
        severities: d.thresholds!.green === d.thresholds!.yellow ? ['critical'] : ['critical', 'warning'],
      });
      for (const a of mine) expect(a.for).toBe('20m');
    }
    const cycle = alerts.filter((a) => a.labels!.metric === 'github.prs.cycle_time_hours');
    expect(cycle.map((a) => a.expr).sort()).toEqual([
      '(pitwall_github_prs_cycle_time_hours > 10) <= 20',
      'pitwall_github_prs_cycle_time_hours > 20',
    ]);
    const deploys = reg.get('dora.deploys.days_per_week');
    expect(deploys.direction).toBe('higher_is_better');
    expect(
      alerts.find((a) => a.labels!.metric === deploys.name && a.labels!.severity === 'critical')?.expr,
    ).toBe(`pitwall_dora_deploys_days_per_week < ${deploys.thresholds!.yellow}`);
  });

  it('maps alerts: rules over the 30-day window and names the ones it leaves out', () => {
    const mine = all().filter((x) => x.labels?.pitwall_rule);
    expect(mine.map((x) => [x.alert, x.expr, x.for ?? null, x.labels!.severity])).toEqual([
      ['PitwallRuleCiSlow', 'pitwall_ci_runs_duration_p90_minutes{team!=""} > 30', '1h', 'critical'],
      [
        'PitwallRuleDeploysDown',
        '(pitwall_dora_deploys_days_per_week{team="",repo="",service="",workflow=""} / (pitwall_dora_deploys_days_per_week{team="",repo="",service="",workflow=""} offset 30d) - 1) <= -0.5',
        null,
        'warning',
      ],
    ]);
    expect(stderr).toMatch(/alerts rule weekly-cycle left out: window 7d/);
    expect(readFileSync(join(dir, 'pitwall.rules.yml'), 'utf8')).toMatch(
      /^# alerts rule weekly-cycle left out/m,
    );
  });

  it('fires the critical alert for a red value and the warning for a yellow one (promtool test rules)', () => {
    const def = registry().get('github.prs.cycle_time_hours');
    const deploys = registry().get('dora.deploys.days_per_week');
    const series = (name: string, team: string, values: string) => ({
      series: `${name}{job="pitwall",instance="pitwall:8080",team="${team}"}`,
      values,
    });
    const fired = (
      metric: typeof def,
      team: string,
      value: number,
      severity: string,
      level: string,
      limit: number,
    ) => ({
      exp_labels: { severity, metric: metric.name, job: 'pitwall', instance: 'pitwall:8080', team },
      exp_annotations: {
        summary: `${metric.title} for team ${team} is ${value} ${metric.unit} over the last 30 days: ${
          metric.direction === 'lower_is_better' ? 'above' : 'below'
        } its ${level} threshold ${limit}`,
        description: metric.action,
      },
    });
    const test = {
      rule_files: ['pitwall.rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            series('pitwall_github_prs_cycle_time_hours', 'payments', '36x60'),
            series('pitwall_github_prs_cycle_time_hours', 'search', '15x60'),
            series('pitwall_github_prs_cycle_time_hours', 'growth', '4x60'),
            series('pitwall_dora_deploys_days_per_week', 'payments', '0x60'),
          ],
          alert_rule_test: [
            // Not yet: the condition has held 10 of the 20 minutes --for asks.
            { eval_time: '10m', alertname: 'PitwallGithubPrsCycleTimeHours', exp_alerts: [] },
            {
              eval_time: '30m',
              alertname: 'PitwallGithubPrsCycleTimeHours',
              exp_alerts: [
                fired(def, 'payments', 36, 'critical', 'red', 20),
                fired(def, 'search', 15, 'warning', 'yellow', 10),
              ],
            },
            {
              eval_time: '30m',
              alertname: 'PitwallDoraDeploysDaysPerWeek',
              exp_alerts: [fired(deploys, 'payments', 0, 'critical', 'red', deploys.thresholds!.yellow)],
            },
          ],
          promql_expr_test: [
            {
              expr: 'pitwall:github_prs_cycle_time_hours:teams_off_target',
              eval_time: '5m',
              exp_samples: [{ labels: 'pitwall:github_prs_cycle_time_hours:teams_off_target', value: 2 }],
            },
            {
              expr: 'pitwall:github_prs_cycle_time_hours:worst_team',
              eval_time: '5m',
              exp_samples: [{ labels: 'pitwall:github_prs_cycle_time_hours:worst_team', value: 36 }],
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'test.yml'), stringify(test));
    const r = promtool(['test', 'rules', 'test.yml'], dir);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
    // The same test fails when the red value is green: the assertion is not vacuous.
    writeFileSync(
      join(dir, 'test-green.yml'),
      stringify(test).replace("'36x60'", "'4x60'").replace('36x60', '4x60'),
    );
    expect(promtool(['test', 'rules', 'test-green.yml'], dir).code).not.toBe(0);
  });

  it('refuses bad flags with exit 2 and writes nothing', async () => {
    const badFor = await cli(['prometheus', 'rules', '--for', 'soon', '--out', 'x.yml'], { cwd: dir });
    expect(badFor.code).toBe(2);
    expect(badFor.stderr).toMatch(/--for "soon": give a duration such as 15m/);
    const badOut = await cli(['prometheus', 'rules', '--out', 'missing/x.yml'], { cwd: dir });
    expect(badOut.code).toBe(2);
    expect(badOut.stderr).toMatch(/folder .*missing does not exist/);
    const badJob = await cli(['prometheus', 'rules', '--job', 'a b'], { cwd: dir });
    expect(badJob.code).toBe(2);
    expect(existsSync(join(dir, 'x.yml'))).toBe(false);
  });
});
