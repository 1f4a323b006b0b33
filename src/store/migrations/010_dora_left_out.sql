-- Issue 8: what DORA numbers leave out, and why, kept beside what they count so explain can list it.
-- A stream's first deployment ships the whole history before it: the commits older than
-- dora.first_deployment_credit_hours are its baseline, shipped but credited to no deployment.
alter table deployment_commits add column baseline boolean default false;
-- Why a commit's lead time is left out (baseline, negative), null when it counts.
alter table commit_deliveries add column left_out text;
-- Why a deployment is left out of change failure rate (retried: a failed attempt the same sha
-- deployed successfully within dora.retry_window_minutes), null when it counts.
alter table deployment_outcomes add column left_out text;
-- The PR's merge commit shipped only as its stream's baseline: its deploy phase is unknown.
alter table pr_cycles add column deploy_baseline boolean;
