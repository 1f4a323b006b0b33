-- Derived by enrich (never ingested): per-PR cycle breakdown and each CI run's critical path.

create table pr_cycles (
  repo text not null,
  number integer not null,
  team text,
  author text not null,
  first_commit_at timestamp,
  opened_at timestamp not null,
  ready_at timestamp,
  first_review_at timestamp,
  approved_at timestamp,
  merged_at timestamp,
  merge_sha text,
  deployment_id text,
  deployed_at timestamp,
  -- phases, hours; null when a phase has not happened (or its start is unknown)
  coding_hours double precision,
  pickup_hours double precision,
  review_hours double precision,
  merge_hours double precision,
  deploy_hours double precision,
  -- the PR's updated_at when this row was derived: a newer PR version means derive again
  pr_updated_at timestamp,
  primary key (repo, number)
);

create table run_critical_paths (
  repo text not null,
  run_id text not null,
  attempt integer not null,
  workflow text not null,
  created_at timestamp not null,
  wall_seconds double precision not null,
  path_seconds double precision not null,
  work_seconds double precision not null,
  serial_share double precision not null,
  path text not null,
  inferred boolean not null,
  primary key (repo, run_id, attempt)
);

create table critical_path_jobs (
  repo text not null,
  run_id text not null,
  attempt integer not null,
  position integer not null,
  job text not null,
  exclusive_seconds double precision not null,
  primary key (repo, run_id, attempt, position)
);
