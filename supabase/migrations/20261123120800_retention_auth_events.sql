/**
 * Retention of auth events: one year, as the spec's audit trail requires. The purge deletes
 * sealog.auth_events rows by occurred_at, and the replay-protection ledger of Supabase Auth
 * hook deliveries (same category) by received_at, in bounded batches, with tenants'
 * shorter overrides honoured. Daily at 00:40 UTC.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

/** Section - Indexes the purge needs (both tables are indexed by tenant first) */

-- CONCURRENTLY cannot run inside the transaction `supabase db push` wraps each file in, and
-- both tables ship empty in this same release, so a plain index blocks nothing.
-- squawk-ignore require-concurrent-index-creation
create index auth_events_occurred_at_idx on sealog.auth_events (occurred_at);
-- squawk-ignore require-concurrent-index-creation
create index auth_hook_deliveries_received_at_idx on sealog.auth_hook_deliveries (received_at);

/** Section - Policy */

insert into sealog.retention_policies
  (category, table_name, time_column, retention, purge_method, purge_function, purge_job, grace, tenant_overridable, description)
values
  ('auth_events', 'sealog.auth_events', 'occurred_at', interval '1 year', 'batched_delete',
   'sealog.purge_auth_events', 'sealog-purge-auth-events', interval '1 day', true,
   'Authentication events (sign-ins, MFA, tokens, SSO, lockouts) and the hook-delivery replay ledger: the one-year audit trail.');

/** Section - Purge */

create function sealog.purge_auth_events(
  p_now timestamptz default now(),
  p_batch_size integer default 5000,
  p_max_batches integer default 200
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
declare
  v_started timestamptz := clock_timestamp();
  v_events record;
  v_deliveries record;
begin
  select * into v_events
    from sealog.purge_expired_rows(
      'auth_events', 'sealog.auth_events', 'tenant_id, event_id', p_now, p_batch_size, p_max_batches);
  select * into v_deliveries
    from sealog.purge_expired_rows(
      'auth_events', 'sealog.auth_hook_deliveries', 'tenant_id, webhook_id', p_now, p_batch_size, p_max_batches,
      null, 'received_at');
  return sealog.record_purge(
    'auth_events', p_now, v_started, v_events.rows_deleted + v_deliveries.rows_deleted, 0,
    v_events.tenant_overrides, v_events.complete and v_deliveries.complete,
    nullif(concat_ws('; ', v_events.note, v_deliveries.note), ''));
end
$$;
comment on function sealog.purge_auth_events(timestamptz, integer, integer) is 'Deletes auth events and hook-delivery ids older than one year (or a tenant''s shorter override) in bounded batches.';
revoke all on function sealog.purge_auth_events(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;

/** Section - Schedule (cron.schedule upserts by name) */

select cron.schedule('sealog-purge-auth-events', '40 0 * * *', 'select sealog.purge_auth_events()');
