-- Recordings of a meeting's live room: one WebM file each (in the server's recordings directory),
-- with chapter marks at agenda changes. `partial`: the recording failed and this is what was saved.
create table meeting_recordings (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  -- A name inside the recordings directory, never a path.
  file_name text not null unique check (file_name ~ '^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.webm$'),
  status text not null check (status in ('complete', 'partial')),
  duration_seconds double precision not null check (duration_seconds >= 0),
  -- [{ "title": text, "startSeconds": number }], in time order.
  chapters jsonb not null default '[]' check (jsonb_typeof(chapters) = 'array'),
  started_at timestamptz not null,
  stopped_at timestamptz not null,
  check (stopped_at >= started_at)
);
create index meeting_recordings_meeting on meeting_recordings(meeting_id, started_at);
