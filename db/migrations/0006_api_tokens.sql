-- API tokens for machine clients (SPEC Security). Only the sha256 of a token is stored: the token
-- itself is shown once at creation, so a leaked table cannot be replayed as credentials.
create table synchub.api_tokens (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  token_hash text not null unique,
  -- The token's first characters, so an operator can tell tokens apart without the secret.
  prefix text not null,
  role text not null check (role in ('viewer', 'operator', 'admin')),
  -- A username rather than a foreign key: the token outlives its creator's account in the audit trail.
  created_by text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_created_idx on synchub.api_tokens (created_at desc);
