/** SQL fragments shared by metric definitions; all valid on DuckDB and PostgreSQL. */

export const hoursBetween = (a: string, b: string) => `(extract(epoch from (${b} - ${a})) / 3600.0)`;
export const minutesBetween = (a: string, b: string) => `(extract(epoch from (${b} - ${a})) / 60.0)`;
export const secondsBetween = (a: string, b: string) => `extract(epoch from (${b} - ${a}))`;
export const median = 'percentile_cont(0.5) within group (order by v)';
export const pct = (p: number) => `percentile_cont(${p}) within group (order by v)`;

/** Humans only: a PR, review or commit by a bot (bot_logins, derived by enrichment) never counts. */
export const notBot = (loginCol: string) =>
  `not exists (select 1 from bot_logins b where b.login = ${loginCol})`;

/** Pull requests by people (not bots), with the author's team, else the repository's. */
export const humanPrs = (
  columns: string,
  where = 'true',
  join = '',
) => `select ${columns}, pr.repo, coalesce(p.team, r.team) as team
  from pull_requests pr left join people p on p.login = pr.author left join repos r on r.repo = pr.repo ${join}
  where ${notBot('pr.author')} and ${where}`;

/** Facts over human pull requests: `ts`, `v`, the PR's `author` (a metric's `person`), repo and team. */
export const prFacts = (ts: string, v: string, where = 'true') =>
  humanPrs(`${ts} as ts, ${v} as v, pr.author as author`, where);
