-- Accounts whose address is confirmed: a sign-up becomes an account only when its owner follows
-- the link mailed to it, and a password reset from the mail confirms the address too. Accounts made
-- before this have none until then.
alter table users add column email_verified_at timestamptz;

-- A sign-up waiting for its address to be confirmed. Only the SHA-256 of the mailed token is kept
-- (as for sessions). A newer sign-up with the same address makes the older one's link expire.
create table signup_requests (
  token_hash text primary key,
  email text not null,
  email_key text not null,
  display_name text not null,
  password_hash text not null,
  language text not null check (language in ('fi', 'sv', 'en')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index signup_requests_email_key on signup_requests(email_key) where used_at is null;

create table password_resets (
  token_hash text primary key,
  user_id uuid not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index password_resets_user_id on password_resets(user_id) where used_at is null;
