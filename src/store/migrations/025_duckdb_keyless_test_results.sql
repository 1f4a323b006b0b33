-- DuckDB only: test_results without a primary key. Its ART index held most of a large JUnit
-- load's memory and could not be committed under a 64 MB limit (833,000 cases: "failed to pin
-- block"); without it the same load merges in one transaction at 64 MB. The key is still the
-- natural key (run_id, test_id, attempt): DuckDB's upsert into a table without a primary key is
-- a MERGE on those columns, behind the store's one writer (see src/store/duckdb/duckdb-store.ts).
-- PostgreSQL keeps its primary key: its index lives in the server, not in Pitwall's memory.
/* duckdb only */ create table test_results_keyless (
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
  executed_at timestamp not null
);
/* duckdb only */ insert into test_results_keyless select * from test_results;
/* duckdb only */ drop table test_results;
/* duckdb only */ alter table test_results_keyless rename to test_results
