-- Derived by enrich: each commit's first successful production deployment per service (lead
-- time for changes per commit), so the DORA lead-time metrics read one row per commit.
create table commit_deliveries (
  repo text not null,
  sha text not null,
  service text not null,
  team text,
  committed_at timestamp not null,
  deployment_id text not null,
  environment text not null,
  deployed_at timestamp not null,
  lead_hours double precision not null,
  primary key (repo, sha, service)
)
