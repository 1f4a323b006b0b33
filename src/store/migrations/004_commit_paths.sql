-- The paths each commit changed (JSON list), so a monorepo's services can claim only their own commits.
alter table commits add column paths text default '[]'
