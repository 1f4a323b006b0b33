-- Which tables a write touched, and what each enrichment step last derived from. Ingest sets a
-- table's token in the same transaction as its rows; a step whose inputs' tokens (or whose
-- config) differ from what it last saw is owed, so a kill between a write and its enrichment
-- leaves the debt in the store, not in a process.
create table table_changes (
  table_name text primary key,
  token text not null,
  changed_at timestamp not null
);

create table enrich_steps (
  step text primary key,
  -- JSON: table -> the token the step last derived from
  seen text not null,
  -- JSON of the config the step depends on
  fingerprint text not null,
  ran_at timestamp not null,
  rows bigint not null
);

-- The production environments (dora.production_environments), written by an enrichment step
-- from config, so queries join a table instead of splicing config values into SQL.
create table production_environments (
  environment text primary key
);
alter table deployments add column is_production boolean;
