create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  email_key text not null unique,
  display_name text not null,
  password_hash text not null,
  is_admin boolean not null default false,
  created_at timestamptz not null default now()
);

-- The id is the hex SHA-256 of the token held in the cookie: a database leak yields no usable token.
create table sessions (
  id text primary key,
  user_id uuid not null references users(id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  user_agent text
);
create index sessions_user_id on sessions(user_id);

create table spaces (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  kind text not null check (kind in ('forum', 'jury', 'townhall')),
  name jsonb not null,
  description jsonb not null,
  visibility text not null check (visibility in ('public', 'members')),
  created_at timestamptz not null default now()
);

create table space_roles (
  space_id uuid not null references spaces(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  role text not null check (role in ('member', 'juror', 'moderator', 'secretary', 'chair')),
  granted_at timestamptz not null default now(),
  primary key (space_id, user_id, role)
);
create index space_roles_user_id on space_roles(user_id);

create table meetings (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces(id) on delete cascade,
  title jsonb not null,
  description jsonb not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  mode text not null check (mode in ('meeting', 'broadcast')),
  state text not null default 'scheduled' check (state in ('scheduled', 'live', 'ended', 'cancelled')),
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index meetings_starts_at on meetings(starts_at);
create index meetings_space_id on meetings(space_id, starts_at);
