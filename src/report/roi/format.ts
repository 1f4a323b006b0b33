import type { Calculation, CalculatorInputs } from './calculator.js';

const SYMBOL: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };
const sym = (currency: string) => SYMBOL[currency] ?? `${currency} `;

/** Two significant figures with k/M/B, as the seed rounds its totals ("~$20M", "~$1.7M"). */
export function compactAmount(v: number): string {
  const a = Math.abs(v);
  const [div, suffix] = a >= 1e9 ? [1e9, 'B'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${Number((v / div).toPrecision(2))}${suffix}`;
}

/** An amount as the seed writes it: exact ($75,000; $1.2M) or approximate (~$15M). */
export function money(v: number | null, currency: string, approx = false, compact = false): string {
  if (v === null) return '—';
  const neg = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (compact) return `${neg}${sym(currency)}${compactAmount(a)}`;
  if (approx) return `~${neg}${sym(currency)}${compactAmount(a)}`;
  if (a >= 1e6) return `${neg}${sym(currency)}${Number((a / 1e6).toFixed(2))}M`;
  return `${neg}${sym(currency)}${Math.round(a).toLocaleString('en-US')}`;
}

const hours = (v: number | null, approx = false) =>
  v === null
    ? '—'
    : `${approx ? '~' : ''}${approx ? compactAmount(v) : Math.round(v).toLocaleString('en-US')} hours`;
const num = (v: number | null) => (v === null ? '?' : Number(v.toFixed(2)).toLocaleString('en-US'));

/** The seed's three blocks (current state costs, proposed investment, expected return), with our figures. */
export function calculatorLines(i: CalculatorInputs, c: Calculation): { section: string; lines: string[] }[] {
  const amt = (v: number | null, approx = false) =>
    c.inHours ? hours(v, approx) : money(v, c.currency, approx);
  const rate = c.inHours ? '' : ` × ${money(i.developerHour.value, c.currency)}/hour`;
  const perDay = c.inHours ? ' hours/day' : '/day';
  const dayAmt = (v: number | null) =>
    c.inHours ? `${num(v)} hours/day` : `${money(v, c.currency)}${perDay}`;
  const current = [
    `Developer time lost = ${num(i.developers.value)} developers × ${num(i.hoursLostPerDeveloperDay.value)} hours/day${rate} = ${dayAmt(c.current.lostPerDay)}`,
  ];
  if (!c.inHours && i.ciInfraPerMonth.value !== null)
    current.push(`CI infrastructure = ${money(i.ciInfraPerMonth.value, c.currency)}/month`);
  current.push(`Total annual impact = ${amt(c.current.totalPerYear, true)}`);
  const investment: string[] = [];
  if (c.investment.from === 'lines') {
    investment.push(
      `CI engineering team = ${num(i.teamFtes.value)} FTEs × ${money(i.fteCost.value, c.currency)} = ${money(c.investment.team, c.currency)}/year`,
    );
    if (i.infraIncreasePerMonth.value !== null)
      investment.push(
        `Infrastructure upgrade = ${money(i.infraIncreasePerMonth.value, c.currency)}/month increase = ${money(c.investment.infraUpgradePerYear, c.currency)}/year`,
      );
    if (i.toolingPerYear.value !== null)
      investment.push(`Tooling & monitoring = ${money(i.toolingPerYear.value, c.currency)}/year`);
    investment.push(`Total investment = ${money(c.investment.total, c.currency, true)}/year`);
  } else if (c.investment.from === 'total')
    investment.push(`Platform investment = ${money(c.investment.total, c.currency)}/year`);
  else
    investment.push(
      c.inHours
        ? 'Investment: set costs.developer_hour (and costs.platform_investment_per_year) to weigh it in money'
        : 'Investment: not given (costs.platform_investment_per_year, or --team-ftes with --fte-cost)',
    );
  const ret = [
    `Time savings = ${num(i.developers.value)} developers × ${num(i.hoursRecoveredPerDeveloperDay.value)} hours/day recovered = ${dayAmt(c.benefit.timeSavingsPerDay)}`,
  ];
  const pct = (v: number | null, up: string, down: string) =>
    v === null ? null : `${Math.abs(Number(v.toFixed(1)))}% ${v >= 0 ? up : down}`;
  const dep = pct(i.deployFrequencyChangePct.value, 'increase', 'decrease');
  if (dep) ret.push(`Productivity gain = ${dep} in deployment frequency`);
  const inc = pct(
    i.incidentChangePct.value === null ? null : -i.incidentChangePct.value,
    'reduction',
    'increase',
  );
  if (inc) ret.push(`Quality improvement = ${inc} in production incidents`);
  if (c.benefit.incidentsPerYear !== null)
    ret.push(`Fewer incidents = ${amt(c.benefit.incidentsPerYear)}/year (${i.incidentHoursPerYear.detail})`);
  ret.push(
    `Annual benefit = ${amt(c.benefit.totalPerYear, true)}${c.roiMultiple === null ? '' : ` (${c.roiMultiple.toFixed(1)}x ROI)`}`,
  );
  if (c.breakEvenWeeks !== null) ret.push(`Break-even = ${Math.round(c.breakEvenWeeks)} weeks`);
  else if (!c.inHours && c.investment.total !== null) ret.push('Break-even = never at the measured savings');
  return [
    { section: 'Current state costs', lines: current },
    { section: 'Proposed investment', lines: investment },
    { section: 'Expected return', lines: ret },
  ];
}
