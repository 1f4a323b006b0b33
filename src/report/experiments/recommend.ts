import type { ExperimentsConfig } from './config.js';
import type { Experiment, MetricResult, Recommendation } from './types.js';

/** p below this (but not below alpha) on an improvement: "trending". */
export const TRENDING = 0.2;

const pct = (x: number | null) => (x === null ? '?' : `${x > 0 ? '+' : ''}${Math.round(x * 10) / 10}%`);
const p = (x: number | null) => (x === null ? 'p = ?' : x < 0.001 ? 'p < 0.001' : `p = ${x.toFixed(3)}`);
const line = (r: MetricResult, what: string) =>
  `${r.title}: ${what} ${pct(r.percent.value)} (${p(r.test.pValue)})`;

/**
 * Roll out, keep running or stop, with the reasons:
 * - stop when any metric got significantly worse;
 * - roll out when the primary metric (the first) improved significantly and nothing got worse;
 * - keep running while the primary metric is not significant and the sample is too small to
 *   detect the hypothesised effect (or below experiments.min_sample, or withheld), or, without
 *   a hypothesised effect, while the experiment has not ended;
 * - stop when the primary metric is not significant although the sample could detect the effect.
 */
export function recommend(
  e: Experiment,
  results: MetricResult[],
  cfg: ExperimentsConfig,
  now: Date,
): { action: Recommendation; reasons: string[] } | null {
  const primary = results.find((r) => r.metric === e.metrics[0]) ?? results[0];
  if (!primary) return null;
  const worse = results.filter((r) => r.significant && r.improved === false);
  const better = results.filter((r) => r.significant && r.improved === true);
  // Better but not significant, with p under TRENDING: worth a look, not yet a reason to act.
  const trending = results.filter(
    (r) => !r.significant && r.improved === true && r.test.pValue !== null && r.test.pValue < TRENDING,
  );
  const reasons: string[] = [];
  const finish = (action: Recommendation) => {
    for (const r of better)
      if (!reasons.some((x) => x.startsWith(`${r.title}:`))) reasons.push(line(r, 'significantly improved'));
    for (const r of trending)
      if (!reasons.some((x) => x.startsWith(`${r.title}:`)))
        reasons.push(line(r, 'trending better, not yet significant:'));
    return { action, reasons };
  };
  if (worse.length) {
    for (const r of worse) reasons.push(line(r, 'significantly worse'));
    return finish('stop');
  }
  if (primary.significant && primary.improved) return finish('roll_out');
  if (primary.control.withheld || primary.treatment.withheld) {
    reasons.push(
      `${primary.title}: an arm has too few people to show (privacy.min_group_size): wait for more`,
    );
    return finish('keep_running');
  }
  const small = Math.min(primary.control.events, primary.treatment.events) < cfg.min_sample;
  const power = primary.power;
  if (small) {
    reasons.push(`${primary.title}: fewer than ${cfg.min_sample} events in an arm so far`);
    return finish('keep_running');
  }
  if (power && power.power < cfg.power) {
    reasons.push(
      `${primary.title}: not significant yet (${p(primary.test.pValue)}), and the sample has ${Math.round(power.power * 100)}% power to detect ${pct(power.expectedPercent)}` +
        (power.requiredPerArm !== null ? `: about ${power.requiredPerArm} events per arm are needed` : ''),
    );
    return finish('keep_running');
  }
  if (!power && (e.endedAt === null || e.endedAt > now)) {
    reasons.push(
      `${primary.title}: no significant difference yet (${p(primary.test.pValue)}); it runs until it is stopped`,
    );
    return finish('keep_running');
  }
  reasons.push(
    power
      ? `${primary.title}: no significant effect (${pct(primary.percent.value)}, ${p(primary.test.pValue)}) although the sample had ${Math.round(power.power * 100)}% power to detect ${pct(power.expectedPercent)}`
      : `${primary.title}: no significant effect (${pct(primary.percent.value)}, ${p(primary.test.pValue)}) by the end`,
  );
  return finish('stop');
}
