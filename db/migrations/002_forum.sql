-- Discussion between meetings: threads and posts in a space, their moderation and its audit log.

create table threads (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces(id) on delete cascade,
  author_id uuid not null references users(id),
  title text not null,
  created_at timestamptz not null default now(),
  last_post_at timestamptz not null default now(),
  post_count integer not null default 0,
  locked_at timestamptz,
  locked_reason text,
  search tsvector generated always as (
    to_tsvector('finnish', title) || to_tsvector('swedish', title) || to_tsvector('english', title)
  ) stored
);
create index threads_space_activity on threads(space_id, last_post_at desc, id desc);
create index threads_activity on threads(last_post_at desc, id desc);
create index threads_search on threads using gin(search);

-- `seq` orders posts for keyset pagination: a thread page is an index range, however long the thread.
create table posts (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  thread_id uuid not null references threads(id) on delete cascade,
  author_id uuid not null references users(id),
  body_markdown text not null,
  body_html text not null,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  hidden_at timestamptz,
  hidden_reason text,
  search tsvector generated always as (
    to_tsvector('finnish', body_markdown) || to_tsvector('swedish', body_markdown) || to_tsvector('english', body_markdown)
  ) stored
);
create unique index posts_thread_seq on posts(thread_id, seq);
create index posts_author on posts(author_id);
create index posts_search on posts using gin(search);

create table post_revisions (
  post_id uuid not null references posts(id) on delete cascade,
  revision integer not null,
  body_markdown text not null,
  created_at timestamptz not null,
  primary key (post_id, revision)
);

create table post_reactions (
  post_id uuid not null references posts(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  kind text not null check (kind in ('like', 'agree', 'insightful', 'thanks')),
  created_at timestamptz not null default now(),
  primary key (post_id, user_id, kind)
);

create table post_reports (
  id uuid primary key default gen_random_uuid(),
  post_id uuid not null references posts(id) on delete cascade,
  reporter_id uuid not null references users(id),
  reason text not null,
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolution text check (resolution in ('hidden', 'dismissed')),
  unique (post_id, reporter_id)
);
create index post_reports_open on post_reports(created_at) where resolved_at is null;

create table space_mutes (
  space_id uuid not null references spaces(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  muted_until timestamptz not null,
  reason text not null,
  created_at timestamptz not null default now(),
  primary key (space_id, user_id)
);

-- Every moderator action, with who, what, why and when. Rows are only ever added.
create table audit_log (
  id bigint generated always as identity primary key,
  space_id uuid references spaces(id) on delete set null,
  actor_id uuid references users(id),
  action text not null,
  target_type text not null,
  target_id text not null,
  reason text,
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index audit_log_space on audit_log(space_id, id desc);

alter table spaces add column search tsvector generated always as (
  to_tsvector('finnish', (name->>'fi') || ' ' || (description->>'fi'))
  || to_tsvector('swedish', (name->>'sv') || ' ' || (description->>'sv'))
  || to_tsvector('english', (name->>'en') || ' ' || (description->>'en'))
) stored;
create index spaces_search on spaces using gin(search);
