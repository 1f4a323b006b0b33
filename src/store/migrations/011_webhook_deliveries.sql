-- Issue 9: a late or replayed webhook never overwrites newer state.
-- When the source itself last changed a row (a webhook payload's updated_at): an upsert carrying
-- an older one leaves the row as it is (see TableWrite.newerBy).
alter table pipeline_runs add column source_updated_at timestamp;
alter table pipeline_jobs add column source_updated_at timestamp;
alter table deployments add column source_updated_at timestamp;
-- GitHub webhook deliveries already handled (their X-GitHub-Delivery id), so a replayed one writes
-- nothing; pruned after github.webhook_delivery_retention_days.
create table webhook_deliveries (
  id text primary key,
  received_at timestamp not null
);
create index webhook_deliveries_received_at on webhook_deliveries (received_at);
