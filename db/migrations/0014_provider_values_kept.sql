-- Values a provider sends that synchub does not know are data, not failures (issue #13).
--
-- Stripe's subscription statuses are an open enum: a status outside the eight documented today is
-- stored as 'unknown', with the value Stripe sent in subscription_status_raw, instead of failing the
-- whole hourly listing. subscription_status_raw holds the raw value for known statuses too.
alter table synchub.quota_accounts drop constraint quota_accounts_subscription_status_check;
alter table synchub.quota_accounts add constraint quota_accounts_subscription_status_check check (
  subscription_status in (
    'active', 'trialing', 'past_due', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused',
    'unknown'
  )
);
alter table synchub.quota_accounts add column subscription_status_raw text;

-- What a sync could not ask its provider for, in a sentence (e.g. Volcano Engine serves bill months
-- of the last 24 months only, so an older backfill is clamped). Null when there is nothing to say.
alter table synchub.sync_runs add column notice text;
