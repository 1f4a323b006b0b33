-- Values that follow from other records or from config are derived by enrichment steps:
-- commits.is_hotfix (git.hotfix_patterns over subjects, merged branches, PR titles and branches),
-- pull_requests.first_review_at / first_approval_at / review_comments (from reviews) and the
-- bot_logins table (sources' bot flags plus bots.logins). Sources now send the texts they read.
alter table commits add column merged_branch text;
alter table pull_requests add column head_branch text;
alter table pull_requests drop column is_bot;
create table bot_logins (
  login text primary key,
  -- source (the source said so), name ("[bot]"), config (bots.logins)
  reason text not null
);
-- Rows arrive without the derived columns; enrichment fills them.
alter table commits alter column is_hotfix set default false;
alter table pull_requests alter column review_comments set default 0;
