-- Issue 11: the health of each listener (StatsD), persisted at every flush so other processes
-- (`pitwall collectors list`, the API, the platform dashboard) see it. The listener's row in
-- `sources` (kind 'listener') keeps last run / success / error and the records it flushed; the
-- counters since the listener started are here, and what its cardinality guard did per metric.
create table listener_health (
  source_id text primary key,
  protocol text not null,
  address text not null,
  port integer not null,
  socket_path text,
  receive_buffer_bytes bigint not null,
  started_at timestamp not null,
  updated_at timestamp not null,
  packets bigint not null,
  metrics bigint not null,
  events bigint not null,
  service_checks bigint not null,
  malformed bigint not null,
  -- JSON array of {at, line, reason}: the most recent malformed lines
  recent_malformed text not null,
  unnamed bigint not null,
  late_dropped bigint not null,
  -- datagrams dropped because the listener fell too far behind its socket
  queue_dropped bigint not null,
  flushes bigint not null,
  flushed_points bigint not null,
  failed_points bigint not null,
  last_flush_error text
);
create table listener_guard (
  source_id text not null,
  metric text not null,
  tag_sets bigint not null,
  folded bigint not null,
  dropped bigint not null,
  -- comma-separated tag keys the policy dropped
  dropped_keys text not null,
  bucketed bigint not null,
  primary key (source_id, metric)
);
