-- Issue 14: incidents from PagerDuty and Opsgenie carry more than open/resolved. When someone
-- acknowledged it (the timeline's first acknowledgement), its urgency and priority as the
-- incident system names them, a link back to it, and when the source last changed it (so a late
-- webhook or an older page never overwrites a newer state). All null for older sources.
alter table incidents add column acknowledged_at timestamp;
alter table incidents add column urgency text;
alter table incidents add column priority text;
alter table incidents add column url text;
alter table incidents add column source_updated_at timestamp;
