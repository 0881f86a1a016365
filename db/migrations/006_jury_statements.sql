-- A jury's recommendations live in the Yjs document `space:<id>:recommendations`; each juror's
-- sign-off on one recommendation (by its stable id in that document) is one row, changed in place.
create table recommendation_sign_offs (
  space_id uuid not null references spaces(id) on delete cascade,
  recommendation_id text not null check (length(recommendation_id) between 1 and 64),
  user_id uuid not null references users(id) on delete cascade,
  stance text not null check (stance in ('agree', 'can_live_with', 'object')),
  comment text check (length(comment) <= 2000),
  updated_at timestamptz not null default now(),
  primary key (space_id, recommendation_id, user_id)
);

-- A frozen statement: the recommendations and their sign-off tallies as they stood when the chair
-- froze them, rendered once. Versions count 1, 2, ... per space. A row is never changed: it is
-- the permanent public record at /api/statements/<id>.
create table jury_statements (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces(id),
  version integer not null check (version > 0),
  title text not null,
  frozen_by uuid references users(id) on delete set null,
  frozen_at timestamptz not null default now(),
  html text not null,
  markdown text not null,
  content jsonb not null,
  unique (space_id, version)
);

create function jury_statements_immutable() returns trigger language plpgsql as $$
begin
  -- The one change allowed is the author's account going away (on delete set null).
  if new.frozen_by is null and old.frozen_by is not null
     and (new.id, new.space_id, new.version, new.title, new.frozen_at, new.html, new.markdown, new.content)
         is not distinct from (old.id, old.space_id, old.version, old.title, old.frozen_at, old.html, old.markdown, old.content) then
    return new;
  end if;
  raise exception 'jury statements are immutable';
end;
$$;

create trigger jury_statements_no_update before update on jury_statements
  for each row execute function jury_statements_immutable();
