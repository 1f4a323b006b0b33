-- Issue 11: an annotation may name the metric it is expected to move, so impact analysis and
-- the dashboard can list the changes that concern one metric. Null: a change of general interest.
alter table annotations add column metric text;
