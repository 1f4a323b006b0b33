-- The server's own bookkeeping (never ingested).
-- API tokens: only the sha256 of a token is kept, so a leaked database leaks no usable token.
-- scopes is a JSON list of ingest | read | admin.
create table api_tokens (
  id text primary key,
  name text not null,
  token_hash text not null unique,
  scopes text not null,
  created_at timestamp not null,
  last_used_at timestamp,
  revoked_at timestamp
);

-- One row per scheduled collector job: when it last started and finished and on which server
-- replica, so a second replica on the same database can tell a job is already running.
-- (On PostgreSQL the exclusion itself is an advisory lock; this table is the visible record.)
create table scheduler_runs (
  job text primary key,
  holder text,
  started_at timestamp,
  finished_at timestamp,
  last_status text
);
