-- Quarantined tests: failures of these do not fail `pitwall tests run`. An entry names one
-- test id or a name pattern ("Class.test", * wildcards) matched against class.name and name.
create table quarantine (
  id text primary key,
  test_id text,
  name_pattern text,
  reason text not null,
  added_by text,
  added_at timestamp not null,
  expires_at timestamp
);
