import { Option, type Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { parseRange } from '../../report/impact/index.js';
import { roiReport, ROI_DEFAULT_DAYS, type RoiOverrides, type RoiReport } from '../../report/roi.js';
import { config, printJson, withStore, type CliContext } from '../context.js';

/** flag → the calculator input it overrides (each replaces a measured or configured value). */
const OVERRIDES: [string, keyof RoiOverrides, string][] = [
  ['developers', 'developers', 'developers (measured: people who opened a PR in the current window)'],
  [
    'hours-lost-per-day',
    'hoursLostPerDeveloperDay',
    'hours a developer loses to CI per day (measured: CI wall-clock time)',
  ],
  ['developer-hour', 'developerHour', 'cost of a developer hour (default costs.developer_hour)'],
  ['ci-infra-per-month', 'ciInfraPerMonth', 'CI infrastructure cost per month'],
  ['team-ftes', 'teamFtes', 'platform engineers (FTEs) in the investment'],
  ['fte-cost', 'fteCost', 'cost of one FTE a year'],
  ['infra-increase-per-month', 'infraIncreasePerMonth', 'infrastructure upgrade per month'],
  ['tooling-per-year', 'toolingPerYear', 'tooling and monitoring per year'],
  [
    'investment-per-year',
    'investmentPerYear',
    'the whole investment a year (default costs.platform_investment_per_year)',
  ],
  [
    'hours-recovered-per-day',
    'hoursRecoveredPerDeveloperDay',
    'hours a developer gets back per day (measured: CI and test-environment savings)',
  ],
  ['deploy-frequency-change', 'deployFrequencyChangePct', 'deployment frequency change, % (measured)'],
  ['incident-change', 'incidentChangePct', 'production incident change, % (measured; negative = fewer)'],
  ['people-per-incident', 'peoplePerIncident', 'people an incident stops (measured: mean team size)'],
  ['working-days', 'workingDaysPerYear', 'working days a year (default 260)'],
];
const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function roiText(r: RoiReport, markdown: boolean): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const out: string[] = [];
  const h = (s: string, level: number) => out.push(markdown ? `${'#'.repeat(level)} ${s}` : s.toUpperCase());
  h('Platform ROI', 1);
  out.push(
    '',
    `Baseline ${day(r.windows.baseline.from)} to ${day(r.windows.baseline.to)}, current ${day(r.windows.current.from)} to ${day(r.windows.current.to)} (${r.windows.from === 'data' ? 'the first and last days of the data' : r.windows.from === 'annotation' ? `around annotation ${r.annotation}` : 'as given'})`,
  );
  for (const s of r.sections) {
    out.push('');
    h(s.section, 2);
    out.push(...(markdown ? ['', '```', ...s.lines, '```'] : s.lines.map((l) => `  ${l}`)));
  }
  out.push('');
  h('Measured savings', 2);
  if (markdown)
    out.push(
      '',
      '| item | baseline | current | events/week | hours/year |',
      '| --- | --- | --- | --- | --- |',
    );
  const f = (v: number | null, d = 2) => (v === null ? '—' : Number(v.toFixed(d)).toLocaleString('en-US'));
  for (const i of r.items) {
    const cells = [
      i.title,
      i.id === 'incidents' ? `${f(i.baseline.perWeek)}/week` : `${f(i.baseline.median)} ${i.unit}`,
      i.id === 'incidents' ? `${f(i.current.perWeek)}/week` : `${f(i.current.median)} ${i.unit}`,
      f(i.eventsPerWeek, 1),
      f(i.hoursPerYear, 0),
    ];
    out.push(markdown ? `| ${cells.join(' | ')} |` : `  ${cells.join('  ')}`);
  }
  out.push('');
  h('Inputs', 2);
  if (markdown) out.push('');
  for (const [k, v] of Object.entries(r.inputs))
    out.push(
      `${markdown ? '- ' : '  '}${k}: ${v.value === null ? '—' : f(v.value)} (${v.source}: ${v.detail})`,
    );
  if (r.warnings.length) {
    out.push('');
    for (const w of r.warnings) out.push(`${markdown ? '> ' : '! '}${w}`);
  }
  return out.join('\n') + '\n';
}

/** `pitwall roi`: the CI seed's ROI calculator from measured inputs; flags override any input. */
export function registerRoi(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('roi')
    .description(
      'platform ROI: developer hours saved (CI, test environments) and fewer incidents against the investment, through the CI seed’s calculator, from measured inputs',
    )
    .option('--annotation <id>', 'baseline and current windows of --days on each side of this annotation')
    .option('--baseline <start..end>', 'the baseline window, e.g. 2024-01-01..2024-01-29')
    .option('--current <start..end>', 'the current window')
    .option('--days <n>', `days in each window (default ${ROI_DEFAULT_DAYS})`);
  for (const [flag, , help] of OVERRIDES) cmd.option(`--${flag} <n>`, help);
  cmd
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'markdown'])
        .default('table'),
    )
    .option('--json', 'same as --format json')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const overrides: RoiOverrides = {};
      for (const [flag, key] of OVERRIDES) {
        const raw = o[camel(flag)];
        if (raw === undefined) continue;
        const n = Number(raw);
        if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n))
          throw invalidArgument(`--${flag} ${JSON.stringify(raw)} is not a number`);
        if (n < 0 && !/-change$/.test(flag)) throw invalidArgument(`--${flag} ${n} must be at least 0`);
        overrides[key] = n;
      }
      let days: number | undefined;
      if (o.days !== undefined) {
        days = Number(o.days);
        if (!(days > 0))
          throw invalidArgument(`--days ${JSON.stringify(o.days)}: give a positive number of days, e.g. 28`);
      }
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      const r = await withStore(cfg, (store) =>
        roiReport(store, registry, cfg.costs, {
          now: new Date(),
          annotation: (o.annotation as string | undefined) ?? null,
          days,
          baseline: typeof o.baseline === 'string' ? parseRange('--baseline', o.baseline) : null,
          current: typeof o.current === 'string' ? parseRange('--current', o.current) : null,
          overrides,
        }),
      );
      const format = o.json ? 'json' : (o.format as string);
      if (format === 'json') printJson(ctx, r);
      else ctx.out(roiText(r, format === 'markdown'));
    });
}
