-- Issue 12: survey answers imported from Qualtrics or any CSV keep the tool's own question id in
-- `question` and say what it measures in `construct` (nps, satisfaction, space_*, dx_*, flow_days,
-- valuable_work_share, cognitive_load, tool_satisfaction; null for items no construct covers).
-- Metrics read coalesce(construct, question). `choice` keeps the answer's choice text ("Very
-- satisfied", a multi-select option) beside its score.
alter table survey_responses add column construct text;
alter table survey_responses add column choice text;
