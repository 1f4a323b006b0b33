-- Issue 11: one mergeable DDSketch per distribution metric, tag set and flush interval (the
-- StatsD listener's timings, histograms and distributions), so percentiles over any window are
-- merged sketches rather than averages of per-interval percentiles. The sketch is DDSketch's
-- protobuf, base64; count/sum/min/max are exact beside it (the protobuf form keeps no summary).
create table metric_sketches (
  name text not null,
  occurred_at timestamp not null,
  interval_seconds double precision not null,
  tags text not null,
  relative_accuracy double precision not null,
  count double precision not null,
  sum double precision not null,
  min double precision not null,
  max double precision not null,
  sketch text not null,
  primary key (name, occurred_at, tags)
);
