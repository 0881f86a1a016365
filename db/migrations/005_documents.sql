-- Co-edited documents (Yjs). A document is named after its owner: `meeting:<id>:notes`,
-- `meeting:<id>:minutes`, `space:<id>:recommendations`. Its content is a snapshot plus the
-- updates appended after it; every update is stored before anyone else receives it.
create table documents (
  name text primary key,
  space_id uuid not null references spaces(id) on delete cascade,
  meeting_id uuid references meetings(id) on delete cascade,
  created_at timestamptz not null default now()
);
create index documents_space on documents(space_id);
create index documents_meeting on documents(meeting_id) where meeting_id is not null;

-- The document as one Yjs update. Updates folded into it are deleted in the same transaction,
-- so the document is always this snapshot plus every row left in document_updates.
create table document_snapshots (
  doc_name text primary key references documents(name) on delete cascade,
  state bytea not null,
  updated_at timestamptz not null default now()
);

-- Updates in the order they were accepted.
create table document_updates (
  id bigint generated always as identity primary key,
  doc_name text not null references documents(name) on delete cascade,
  "update" bytea not null,
  created_at timestamptz not null default now()
);
create index document_updates_doc on document_updates(doc_name, id);

-- The chair can make a meeting's shared notes read-only (e.g. once the meeting is over).
create table meeting_notes_settings (
  meeting_id uuid primary key references meetings(id) on delete cascade,
  read_only boolean not null default false,
  changed_by uuid references users(id) on delete set null,
  changed_at timestamptz not null default now()
);
