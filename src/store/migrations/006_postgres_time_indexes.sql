-- Time-range indexes for PostgreSQL only. Every metric reads a window of time; DuckDB answers
-- that from its zone maps (min/max per row group, free because rows arrive roughly in time
-- order) and its ART indexes serve only point look-ups while costing memory, so it skips these.
-- PostgreSQL needs an index to avoid scanning whole tables: BRIN, a few pages per table, suits
-- columns that grow with insertion order.
/* postgres only */ create index test_results_executed_brin on test_results using brin (executed_at);
/* postgres only */ create index pipeline_jobs_created_brin on pipeline_jobs using brin (created_at);
/* postgres only */ create index pipeline_runs_created_brin on pipeline_runs using brin (created_at);
/* postgres only */ create index commands_started_brin on commands using brin (started_at);
/* postgres only */ create index spans_started_brin on spans using brin (started_at);
/* postgres only */ create index commits_committed_brin on commits using brin (committed_at);
/* postgres only */ create index pull_requests_created_brin on pull_requests using brin (created_at);
/* postgres only */ create index survey_responses_answered_brin on survey_responses using brin (answered_at);
/* postgres only */ create index run_critical_paths_created_brin on run_critical_paths using brin (created_at);
/* postgres only */ create index spans_parent on spans (parent_id)
