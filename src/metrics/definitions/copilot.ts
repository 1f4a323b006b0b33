import { literal, oneBucket } from '../registry/fragments.js';
import type { MetricDefinition, QueryParts } from '../registry/types.js';
import { activityFacts } from './space.js';

/**
 * AI-assistant adoption from the `copilot.*` metric points (the Copilot collector, or any
 * assistant sending the same points through the ingest API: docs/copilot.md). The points are
 * daily counts of people, never people themselves, so the registry's privacy rule is applied to
 * the number of people each value is over (the `people` column): below privacy.min_group_size
 * the value is withheld, as on the team views.
 */

const tag = (key: string) => `(cast(tags as json) ->> ${literal(key)})`;

/**
 * Rows at the level asked, decided in the SQL itself so one statement serves a filter or none
 * (the Grafana flavour swaps the filter for "All, or these values"). Per breakdown column: its
 * breakdown rows when grouped by it, or when the filters left no row without it (a team was
 * asked for); else the rows without it, the totals, so nobody is counted twice.
 */
const level = (rows: string, cols: readonly string[], by: string | null) =>
  cols
    .map((c) =>
      c === by ? `${c} is not null` : `(${c} is null) = exists (select 1 from ${rows} where ${c} is null)`,
    )
    .join(' and ');

/** Points without an `assistant` tag are GitHub Copilot's (the collector writes none). */
const assistant = `coalesce(${tag('assistant')}, 'copilot')`;

const points = (
  names: string[],
) => `select occurred_at as ts, name, value, ${tag('org')} as org, ${assistant} as assistant,
    ${tag('team')} as team, ${tag('editor')} as editor, ${tag('language')} as language, ${tag('feature')} as feature
  from metric_points
  where name in (${names.map(literal).join(', ')}) and occurred_at >= $1::timestamp and occurred_at < $2::timestamp`;

/** The end of the bucket holding `col` (the window's end when unbucketed). */
const bucketEnd = (p: QueryParts, col: string) =>
  p.unit ? `least(${col} + ${oneBucket(p.unit)}, $2::timestamp)` : '$2::timestamp';

const adoption: MetricDefinition = {
  name: 'copilot.adoption.active_share',
  version: 1,
  title: 'AI adoption',
  unit: 'ratio',
  description:
    'Developers using the AI assistant on its busiest day in the window, as a share of the Copilot seats (when collected) or of the developers active in the window.',
  why: 'An assistant nobody uses is a licence cost with no return; adoption is the first thing to know before asking whether it helps delivery.',
  action:
    'Low: ask non-users what stops them (editor support, policy, training), and check that seats go to people who code. Compare teams only to find who needs help, never to rank.',
  direction: 'higher_is_better',
  thresholds: { green: 0.7, yellow: 0.5 },
  groupBy: ['team', 'assistant'],
  personal: true,
  explain: `select ts, assistant, team, org, value from (${points(['copilot.active_users'])}) x`,
  query: (p) => {
    const grp = p.group(p.by ?? 'team');
    return `with pts as (${points(['copilot.active_users'])}),
asked as (select * from pts where true${p.where}),
active as (
  select ${p.bucket('ts')} as bucket, ${grp} as grp, assistant, org, team, max(value) as users
  from asked where ${level('asked', ['team'], p.by)} group by 1, 2, 3, 4, 5
),
seat_pts as (
  select occurred_at as ts, value, ${tag('org')} as org, ${assistant} as assistant
  from metric_points where name = 'copilot.seats'
),
with_seats as (
  select a.bucket, a.grp, a.assistant, a.org, a.users,
    -- Seats are the organisation's: a team's share is over its active developers.
    case when a.team is null then (select s.value from seat_pts s where s.org = a.org and s.assistant = a.assistant
        order by abs(extract(epoch from (s.ts - ${bucketEnd(p, 'a.bucket')}))), s.ts desc limit 1) end as seats
  from active a
),
per_assistant as (
  select bucket, grp, assistant, sum(users) as users,
    case when count(seats) = count(*) then sum(seats) end as seats
  from with_seats group by 1, 2, 3
),
per as (
  -- Several assistants: the most used one's users (a developer may use two), over the
  -- developers, since one assistant's seats do not license the other.
  select bucket, grp, max(users) as users, case when count(*) = 1 then max(seats) end as seats
  from per_assistant group by 1, 2
),
dev as (
  select ${grp} as grp, count(distinct person) as developers
  from (select f.*, a.assistant from (${activityFacts('commit')}) f
    cross join (select distinct assistant from pts) a) f
  where ts >= $1::timestamp and ts < $2::timestamp${p.where} group by 1
)
select u.bucket, u.grp, u.users / nullif(coalesce(u.seats, d.developers), 0) as value,
  cast(coalesce(u.seats, d.developers, 0) as bigint) as people
from per u left join dev d on d.grp is not distinct from u.grp
order by 1, 2`;
  },
};

const acceptance: MetricDefinition = {
  name: 'copilot.completions.acceptance_rate',
  version: 1,
  title: 'AI suggestion acceptance rate',
  unit: 'ratio',
  description:
    'Code completions accepted as a share of those shown, summed over days, editors, languages and models.',
  why: 'Accepted suggestions are the assistant doing useful work; a low rate means developers spend attention on suggestions they throw away.',
  action:
    'Low for one language or editor: check its plug-in version and the content exclusions; low everywhere: share prompting practice and review whether the assistant fits the codebase.',
  direction: 'higher_is_better',
  thresholds: { green: 0.3, yellow: 0.2 },
  groupBy: ['team', 'editor', 'language', 'assistant'],
  personal: true,
  explain: `select ts, assistant, team, editor, language, name, value from (${points(['copilot.suggestions', 'copilot.acceptances'])}) x`,
  query: (p) => {
    const groupCol = p.by ?? 'team';
    // Unbucketed and ungrouped, the window is one row even without points (a ratio of nothing).
    const groupBy = p.unit || p.by ? 'group by 1, 2' : '';
    return `with pts as (${points(['copilot.suggestions', 'copilot.acceptances', 'copilot.engaged_users'])}),
shown as (select * from pts where name <> 'copilot.engaged_users'${p.where}),
used as (select * from pts where name = 'copilot.engaged_users' and feature = 'code_completions'${p.where}),
counts as (
  select ${p.bucket('ts')} as bucket, ${p.group(groupCol)} as grp,
    sum(case when name = 'copilot.acceptances' then value else 0 end) as accepted,
    sum(case when name = 'copilot.suggestions' then value else 0 end) as shown
  from shown where ${level('shown', ['team'], p.by)} ${groupBy}
),
engaged as (
  -- People are never added across assistants (one developer may use two): the largest count.
  select bucket, grp, max(people) as people from (
    select bucket, grp, assistant, sum(people) as people from (
      select ${p.bucket('ts')} as bucket, ${p.group(groupCol)} as grp, assistant, org, max(value) as people
      from used where ${level('used', ['team', 'editor', 'language'], p.by)}
      group by 1, 2, 3, 4
    ) x group by 1, 2, 3
  ) y group by 1, 2
)
select c.bucket, c.grp, c.accepted / nullif(c.shown, 0) as value, cast(coalesce(e.people, 0) as bigint) as people
from counts c left join engaged e on e.bucket is not distinct from c.bucket and e.grp is not distinct from c.grp
order by 1, 2`;
  },
};

export const copilotDefinitions: MetricDefinition[] = [adoption, acceptance];
