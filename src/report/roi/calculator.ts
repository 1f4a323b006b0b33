/**
 * The CI seed's ROI calculator (its section 5, "Investment & ROI Calculation"), line for line:
 * current state costs, proposed investment, expected return, ROI and break-even. Pure: the
 * inputs come from measurement (roi.ts) or flags, and each says where it came from.
 */

/** Working days in a year, as the seed counts them: $75,000/day → "~$20M" a year with $600k of CI. */
export const WORKING_DAYS_PER_YEAR = 260;
export const WEEKS_PER_YEAR = 52;

/** Where an input's value came from: measured in the warehouse, the config, a flag, or nowhere. */
export interface Input<T = number> {
  value: T | null;
  source: 'measured' | 'config' | 'flag' | 'default' | 'missing';
  /** How it was measured or which key/flag gave it. */
  detail: string;
}

export interface CalculatorInputs {
  developers: Input;
  hoursLostPerDeveloperDay: Input;
  developerHour: Input;
  ciInfraPerMonth: Input;
  /** Either the seed's three investment lines ... */
  teamFtes: Input;
  fteCost: Input;
  infraIncreasePerMonth: Input;
  toolingPerYear: Input;
  /** ... or one figure (costs.platform_investment_per_year), used when no FTE line is given. */
  investmentPerYear: Input;
  hoursRecoveredPerDeveloperDay: Input;
  /** Value of fewer incidents a year, in hours (already × people × restore time); not in the seed's sum when missing. */
  incidentHoursPerYear: Input;
  /** Percent changes shown as the seed shows them (not valued in money). */
  deployFrequencyChangePct: Input;
  incidentChangePct: Input;
  workingDaysPerYear: Input;
}

export interface Calculation {
  currency: string;
  /** true when no developer_hour: every amount below is in hours, not money. */
  inHours: boolean;
  current: { lostPerDay: number | null; ciInfraPerYear: number | null; totalPerYear: number | null };
  investment: {
    team: number | null;
    infraUpgradePerYear: number | null;
    tooling: number | null;
    total: number | null;
    /** 'lines' (the seed's three) or 'total' (costs.platform_investment_per_year). */
    from: 'lines' | 'total' | 'missing';
  };
  benefit: {
    timeSavingsPerDay: number | null;
    timeSavingsPerYear: number | null;
    incidentsPerYear: number | null;
    totalPerYear: number | null;
    /** Hours a year behind the total. */
    hoursPerYear: number | null;
  };
  /** annual benefit / investment (the seed's "8.8x ROI"). */
  roiMultiple: number | null;
  /** (annual benefit − investment) / investment × 100. */
  roiPercent: number | null;
  breakEvenWeeks: number | null;
  breakEvenMonths: number | null;
}

const mul = (...xs: (number | null)[]) =>
  xs.some((x) => x === null) ? null : xs.reduce<number>((a, b) => a * b!, 1);
const add = (...xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
};

export function calculate(i: CalculatorInputs, currency: string): Calculation {
  const rate = i.developerHour.value;
  const inHours = rate === null;
  const perHour = rate ?? 1;
  const days = i.workingDaysPerYear.value ?? WORKING_DAYS_PER_YEAR;
  const lostPerDay = mul(i.developers.value, i.hoursLostPerDeveloperDay.value, perHour);
  const ciInfraPerYear = inHours ? null : mul(i.ciInfraPerMonth.value, 12);
  const totalPerYear = add(mul(lostPerDay, days), ciInfraPerYear);
  const useLines = !inHours && i.teamFtes.value !== null;
  const team = useLines ? mul(i.teamFtes.value, i.fteCost.value) : null;
  const infraUpgradePerYear = useLines ? mul(i.infraIncreasePerMonth.value, 12) : null;
  const tooling = useLines ? i.toolingPerYear.value : null;
  const total = inHours
    ? null
    : useLines
      ? add(team, infraUpgradePerYear, tooling)
      : i.investmentPerYear.value;
  const timeSavingsPerDay = mul(i.developers.value, i.hoursRecoveredPerDeveloperDay.value, perHour);
  const timeSavingsPerYear = mul(timeSavingsPerDay, days);
  const incidentsPerYear = mul(i.incidentHoursPerYear.value, perHour);
  const benefitTotal = add(timeSavingsPerYear, incidentsPerYear);
  const hoursPerYear = add(
    mul(i.developers.value, i.hoursRecoveredPerDeveloperDay.value, days),
    i.incidentHoursPerYear.value,
  );
  const pays = total !== null && total > 0 && benefitTotal !== null;
  const perWeek = benefitTotal === null ? null : benefitTotal / WEEKS_PER_YEAR;
  return {
    currency,
    inHours,
    current: { lostPerDay, ciInfraPerYear, totalPerYear },
    investment: {
      team,
      infraUpgradePerYear,
      tooling,
      total,
      from: total === null ? 'missing' : useLines ? 'lines' : 'total',
    },
    benefit: {
      timeSavingsPerDay,
      timeSavingsPerYear,
      incidentsPerYear,
      totalPerYear: benefitTotal,
      hoursPerYear,
    },
    roiMultiple: pays ? benefitTotal! / total! : null,
    roiPercent: pays ? ((benefitTotal! - total!) / total!) * 100 : null,
    // Never breaks even when the platform saves nothing (or costs time).
    breakEvenWeeks: pays && perWeek! > 0 ? total! / perWeek! : null,
    breakEvenMonths: pays && benefitTotal! > 0 ? total! / (benefitTotal! / 12) : null,
  };
}
