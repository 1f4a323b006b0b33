-- Issue 15: the parameters a CI build ran with (Jenkins' build parameters: ENV=prod, DRY_RUN=true),
-- so runs can be told apart by what they were asked to do. JSON text of name -> value, the way
-- lists and maps are stored everywhere; secret values are replaced before they reach the store
-- (password parameters, names that say secret). Null for sources that have no parameters.
alter table pipeline_runs add column parameters text;
