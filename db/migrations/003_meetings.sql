-- Where a meeting happens, its cancellation, and a revision counter that calendar apps
-- (iCalendar SEQUENCE) use to notice a changed event.
alter table meetings
  add column place text not null default 'online' check (place in ('hall', 'online', 'hybrid')),
  add column address text,
  add column capacity integer check (capacity > 0),
  add column cancel_reason text,
  add column sequence integer not null default 0,
  add column updated_at timestamptz not null default now(),
  add constraint meetings_hall_has_address check (place = 'online' or address is not null),
  add constraint meetings_online_has_no_hall check (place <> 'online' or (address is null and capacity is null)),
  add constraint meetings_cancel_reason check ((state = 'cancelled') = (cancel_reason is not null));

-- Keyset pagination runs on (starts_at, id).
create index meetings_space_keyset on meetings(space_id, starts_at, id);

create table meeting_agenda_items (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  position integer not null check (position >= 0),
  title jsonb not null,
  presenter text,
  duration_minutes integer check (duration_minutes > 0),
  -- Deferred: replacing an agenda reorders kept items, which briefly share a position.
  constraint meeting_agenda_position unique (meeting_id, position) deferrable initially deferred
);

create table meeting_registrations (
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  attendance text not null check (attendance in ('hall', 'remote')),
  status text not null check (status in ('registered', 'waitlisted')),
  needs_interpretation boolean not null default false,
  needs_induction_loop boolean not null default false,
  needs_sign_language boolean not null default false,
  needs_other text,
  registered_at timestamptz not null default now(),
  -- The place in the hall queue: set when the person asks for a hall seat, so the waitlist is first come, first served.
  hall_requested_at timestamptz,
  primary key (meeting_id, user_id),
  check (attendance = 'hall' or status = 'registered'),
  check ((attendance = 'hall') = (hall_requested_at is not null))
);
create index meeting_registrations_hall on meeting_registrations(meeting_id, status, hall_requested_at) where attendance = 'hall';
create index meeting_registrations_user on meeting_registrations(user_id);
