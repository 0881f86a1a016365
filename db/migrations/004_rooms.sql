-- The live room of a meeting: every event gets the room's next sequence number and is stored
-- before anyone is told about it, so the room can be rebuilt and clients can resume.
create table room_logs (
  meeting_id uuid primary key references meetings(id) on delete cascade,
  last_seq bigint not null default 0,
  -- The code in the hall's QR poster: scanning it marks a participant as present in the hall.
  check_in_code text not null
);

create table room_events (
  meeting_id uuid not null references room_logs(meeting_id) on delete cascade,
  seq bigint not null,
  actor_id uuid references users(id),
  event jsonb not null,
  created_at timestamptz not null default now(),
  primary key (meeting_id, seq)
);
