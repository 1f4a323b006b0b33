/** SQL fragments shared by metric definitions; all valid on DuckDB and PostgreSQL. */

export const hoursBetween = (a: string, b: string) => `(extract(epoch from (${b} - ${a})) / 3600.0)`;
export const minutesBetween = (a: string, b: string) => `(extract(epoch from (${b} - ${a})) / 60.0)`;
export const secondsBetween = (a: string, b: string) => `extract(epoch from (${b} - ${a}))`;
export const median = 'percentile_cont(0.5) within group (order by v)';
export const pct = (p: number) => `percentile_cont(${p}) within group (order by v)`;

/** Humans only: a PR or commit whose author is flagged as a bot never counts. */
export const notBot = (loginCol: string) =>
  `not exists (select 1 from people b where b.login = ${loginCol} and b.is_bot)`;
