-- Issue 12: the state of each alert (one per rule and group value of its `by`), so a rule
-- notifies once when it fires and once when it resolves, across restarts and replicas.
-- `notified` is a JSON object channel -> the last state that channel was told ('firing' or
-- 'resolved'): a channel that failed is retried at the next evaluation, the others are not
-- told twice. No channel secret (webhook URL, SMTP password) is ever stored here.
create table alert_state (
  id text primary key,
  rule text not null,
  -- the group value of the rule's `by`; '' when the rule has none
  grp text not null,
  metric text not null,
  severity text not null,
  -- pending (condition holds, `for` not yet elapsed), firing, resolved
  state text not null,
  value double precision,
  threshold double precision not null,
  pending_since timestamp,
  fired_at timestamp,
  resolved_at timestamp,
  acknowledged_at timestamp,
  acknowledged_by text,
  silenced_until timestamp,
  notified text not null,
  last_error text,
  evaluated_at timestamp not null
);
create index alert_state_rule on alert_state (rule, grp);
