-- Mail: every message is a row here before it is sent, so a stopped SMTP server loses nothing and
-- any server process may send it (server/mail/). A person's mails are written in their language.

alter table users add column language text not null default 'fi' check (language in ('fi', 'sv', 'en'));

create table mail_outbox (
  id uuid primary key default gen_random_uuid(),
  -- The template's name: per-address limits count it, and the log names it.
  kind text not null,
  recipient text not null,
  -- The address in lower case, as users.email_key: limits per address count by it.
  recipient_key text not null,
  user_id uuid references users(id) on delete set null,
  -- The same on every attempt, so a mail sent twice after a crash is recognised as one.
  message_id text not null unique,
  -- The whole RFC 5322 message as composed; cleared once sent, because it may hold a live link.
  raw bytea,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- A sender's claim: until it lapses no other sender takes the row; a crashed sender's claim lapses.
  lease_id uuid,
  leased_until timestamptz,
  sent_at timestamptz,
  failed_at timestamptz,
  last_error text,
  check ((sent_at is null or failed_at is null) and (raw is not null or sent_at is not null or failed_at is not null))
);
create index mail_outbox_due on mail_outbox(next_attempt_at) where sent_at is null and failed_at is null;
create index mail_outbox_recipient on mail_outbox(recipient_key, kind, created_at);

-- One-click unsubscribes (RFC 8058), by person and list; security mails have no list and always go.
create table mail_unsubscribes (
  user_id uuid not null references users(id) on delete cascade,
  list text not null,
  created_at timestamptz not null default now(),
  primary key (user_id, list)
);

-- Keys the app makes for itself on first start and every process shares (the unsubscribe links' HMAC).
create table app_keys (
  name text primary key,
  key bytea not null,
  created_at timestamptz not null default now()
);
