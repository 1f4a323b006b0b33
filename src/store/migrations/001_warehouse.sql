-- The warehouse. One dialect: every statement here runs on DuckDB and PostgreSQL.
-- Instants are UTC `timestamp`; lists and maps are JSON text.

create table repos (
  repo text primary key,
  team text,
  default_branch text not null,
  url text
);

create table teams (
  team text primary key,
  name text,
  parent text
);

create table people (
  login text primary key,
  name text,
  email text,
  team text,
  is_bot boolean not null
);

create table commits (
  repo text not null,
  sha text not null,
  author text not null,
  author_email text,
  authored_at timestamp not null,
  committed_at timestamp not null,
  additions integer not null,
  deletions integer not null,
  files integer not null,
  parents text not null,
  is_merge boolean not null,
  is_hotfix boolean not null,
  reverts_sha text,
  pr_number integer,
  subject text not null,
  primary key (repo, sha)
);

create table tags (
  repo text not null,
  name text not null,
  sha text not null,
  tagged_at timestamp,
  primary key (repo, name)
);

create table pull_requests (
  repo text not null,
  number integer not null,
  author text not null,
  title text not null,
  state text not null,
  created_at timestamp not null,
  ready_at timestamp,
  first_commit_at timestamp,
  first_review_at timestamp,
  first_approval_at timestamp,
  merged_at timestamp,
  closed_at timestamp,
  additions integer not null,
  deletions integer not null,
  changed_files integer not null,
  comments integer not null,
  review_comments integer not null,
  labels text not null,
  draft boolean not null,
  is_bot boolean not null,
  base_branch text,
  head_sha text,
  merge_sha text,
  updated_at timestamp,
  primary key (repo, number)
);

create table reviews (
  repo text not null,
  pr_number integer not null,
  review_id text not null,
  reviewer text not null,
  state text not null,
  submitted_at timestamp not null,
  comments integer not null,
  primary key (repo, pr_number, review_id)
);

create table deployments (
  id text primary key,
  service text not null,
  environment text not null,
  repo text,
  sha text not null,
  started_at timestamp not null,
  finished_at timestamp,
  status text not null,
  source text not null
);

create table incidents (
  id text primary key,
  service text not null,
  severity text,
  title text not null,
  opened_at timestamp not null,
  resolved_at timestamp,
  caused_by_deployment text,
  source text not null
);

create table annotations (
  id text primary key,
  occurred_at timestamp not null,
  title text not null,
  team text,
  repo text,
  category text not null
);

create table pipeline_runs (
  repo text not null,
  run_id text not null,
  attempt integer not null,
  workflow text not null,
  event text,
  branch text,
  sha text,
  pr_number integer,
  created_at timestamp not null,
  started_at timestamp,
  completed_at timestamp,
  status text not null,
  conclusion text,
  actor text,
  primary key (repo, run_id, attempt)
);

create table pipeline_jobs (
  repo text not null,
  job_id text not null,
  run_id text not null,
  attempt integer not null,
  workflow text not null,
  name text not null,
  stage text,
  needs text not null,
  created_at timestamp,
  started_at timestamp,
  completed_at timestamp,
  conclusion text,
  runner text,
  primary key (repo, job_id)
);

create table test_results (
  test_id text not null,
  run_id text not null,
  attempt integer not null,
  repo text,
  suite text not null,
  class_name text not null,
  name text not null,
  file text,
  sha text,
  branch text,
  status text not null,
  duration_ms double precision not null,
  retries integer not null,
  executed_at timestamp not null,
  primary key (run_id, test_id, attempt)
);

create table spans (
  span_id text primary key,
  parent_id text,
  name text not null,
  key text,
  repo text,
  team text,
  started_at timestamp not null,
  ended_at timestamp,
  status text not null,
  failure_category text,
  attributes text not null
);

create table commands (
  id text primary key,
  user_name text not null,
  host text,
  command text not null,
  category text,
  cwd text,
  repo text,
  exit_code integer not null,
  started_at timestamp not null,
  duration_ms double precision not null,
  network_ms double precision
);

create table metric_points (
  name text not null,
  occurred_at timestamp not null,
  type text not null,
  value double precision not null,
  tags text not null,
  primary key (name, occurred_at, tags)
);

create table survey_responses (
  survey text not null,
  respondent text not null,
  question text not null,
  team text,
  answered_at timestamp not null,
  score double precision,
  comment text,
  primary key (survey, respondent, question)
);

create table feedback (
  id text primary key,
  occurred_at timestamp not null,
  author text,
  team text,
  category text,
  sentiment text not null,
  text text not null
);

create table experiments (
  id text primary key,
  name text not null,
  hypothesis text not null,
  metric text,
  started_at timestamp not null,
  ended_at timestamp,
  cohort text not null,
  status text not null,
  participants integer not null
);

-- Each collector's cursor and health.
create table sources (
  id text primary key,
  kind text not null,
  cursor text,
  last_run_at timestamp,
  last_success_at timestamp,
  last_error text,
  last_error_at timestamp,
  records bigint not null default 0
);

-- Derived by enrich: the commits each deployment shipped for the first time (by git ancestry).
create table deployment_commits (
  deployment_id text not null,
  repo text not null,
  sha text not null,
  primary key (deployment_id, repo, sha)
);

-- Derived by enrich: whether a deployment failed, why, and when service was restored.
create table deployment_outcomes (
  deployment_id text primary key,
  failed boolean not null,
  reason text,
  -- what shows it: the incident ids, the reverted sha or the hotfix commit
  evidence text,
  restored_at timestamp
);
