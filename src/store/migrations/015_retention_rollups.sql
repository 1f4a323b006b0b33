-- Issue 11: long-term retention. Raw rows older than `retention:` allows are rolled up into one
-- row per day and group, then pruned; these rows are kept forever. One table for every source:
--   source   the raw table (metric_points, metric_sketches, spans, commands)
--   name     the metric's name; a span's name; a command's category ('uncategorized' when none)
--   tags     JSON object of the group: a series' tags; a span's repo/team/status/failure_category;
--            a command's repo and outcome (ok|error). Never a person or a branch.
--   type     gauge|count (points), distribution (sketches), duration_ms (spans, commands)
--   raw_rows how many raw rows the row stands for; count the values they held (a distribution's
--            sample count, spans with an end), with their exact sum/min/max
--   sketch   the merged DDSketch (protobuf, base64) of the values, for percentiles of pruned days
create table daily_rollups (
  source text not null,
  name text not null,
  day timestamp not null,
  tags text not null,
  type text not null,
  raw_rows double precision not null,
  count double precision not null,
  sum double precision,
  min double precision,
  max double precision,
  relative_accuracy double precision,
  sketch text,
  rolled_up_at timestamp not null,
  primary key (source, name, day, tags, type)
);
