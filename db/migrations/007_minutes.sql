-- The minutes of a meeting. The draft is the Yjs document `meeting:<id>:minutes` (its XML fragment
-- `minutes`); this row is its place in the workflow: draft → in_review → approved → published, and
-- back to draft when the chair returns it. What was submitted is kept as a Yjs state, so the
-- chair approves (and publishes) exactly that, whatever is typed into the draft meanwhile.
create table minutes (
  meeting_id uuid primary key references meetings(id) on delete cascade,
  state text not null default 'draft' check (state in ('draft', 'in_review', 'approved', 'published')),
  -- The chair's comment when returning the minutes to the secretary.
  comment text check (length(comment) <= 4000),
  submitted_state bytea,
  submitted_by uuid references users(id) on delete set null,
  approved_by uuid references users(id) on delete set null,
  changed_by uuid references users(id) on delete set null,
  changed_at timestamptz not null default now(),
  -- When the server wrote the meeting's details and agenda, and its record, into the draft (once each).
  details_filled_at timestamptz,
  record_filled_at timestamptz,
  check ((state in ('in_review', 'approved')) = (submitted_state is not null))
);

-- A published version: rendered once, never changed. Versions count 1, 2, ... per meeting; each is
-- a permanent address /api/minutes/<meeting id>/versions/<n> (.html, .md, .json).
create table minutes_versions (
  meeting_id uuid not null references meetings(id),
  version integer not null check (version > 0),
  title text not null,
  published_by uuid references users(id) on delete set null,
  published_at timestamptz not null default now(),
  html text not null,
  markdown text not null,
  content jsonb not null,
  search tsvector generated always as (
    to_tsvector('finnish', title || ' ' || markdown) || to_tsvector('swedish', title || ' ' || markdown) || to_tsvector('english', title || ' ' || markdown)
  ) stored,
  primary key (meeting_id, version)
);
create index minutes_versions_search on minutes_versions using gin(search);

create function minutes_versions_immutable() returns trigger language plpgsql as $$
begin
  -- The one change allowed is the publisher's account going away (on delete set null).
  if new.published_by is null and old.published_by is not null
     and (new.meeting_id, new.version, new.title, new.published_at, new.html, new.markdown, new.content)
         is not distinct from (old.meeting_id, old.version, old.title, old.published_at, old.html, old.markdown, old.content) then
    return new;
  end if;
  raise exception 'published minutes are immutable';
end;
$$;

create trigger minutes_versions_no_update before update on minutes_versions
  for each row execute function minutes_versions_immutable();

create function minutes_versions_permanent() returns trigger language plpgsql as $$
begin
  raise exception 'published minutes are permanent';
end;
$$;

create trigger minutes_versions_no_delete before delete on minutes_versions
  for each row execute function minutes_versions_permanent();
