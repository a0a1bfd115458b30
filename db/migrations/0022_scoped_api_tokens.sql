-- Machine tokens scoped to named procedures (issue 16): a billing service holding a token that
-- may call only quotas.consume cannot read connections or replay dead letters, whatever its role.
-- Null: every procedure the token's role allows.
alter table synchub.api_tokens
  add column procedures text[]
    check (
      procedures is null
      or (cardinality(procedures) between 1 and 100
        and array_to_string(procedures, ',') ~ '^[a-zA-Z]+\.[a-zA-Z]+(,[a-zA-Z]+\.[a-zA-Z]+)*$')
    );
