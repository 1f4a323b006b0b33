-- Issue 10: the shell agent. What the hook knows of a command beyond the first cut of the table
-- (its shell and session), and what `pitwall run` measured of its network use.
alter table commands add column shell text;
alter table commands add column session text;
alter table commands add column network_rx_bytes double precision;
alter table commands add column network_tx_bytes double precision;
-- A developer machine as the agent saw it, once per host per UTC day (kind host_fact).
create table host_facts (
  host text not null,
  day text not null,
  observed_at timestamp not null,
  uname text not null,
  os text not null,
  os_release text,
  arch text,
  cpu_count integer not null,
  cpu_model text,
  memory_bytes double precision not null,
  primary key (host, day)
);
