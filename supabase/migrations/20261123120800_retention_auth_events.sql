/**
 * Retention of auth events: one year, as the spec's audit trail requires. sealog.auth_events
 * (by occurred_at) and the replay-protection ledger of Supabase Auth hook deliveries (same
 * category, by received_at) are partitioned by day and purged hourly like telemetry: whole
 * expired days dropped, the boundary day's expired hours deleted, tenants' shorter
 * overrides honoured. Hourly at minute 40 (UTC).
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

/** Section - Indexes the boundary delete needs (the tenant-led keys serve the overrides) */

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
  ('auth_events', 'sealog.auth_events', 'occurred_at', interval '1 year', 'drop_partitions',
   'sealog.purge_auth_events', 'sealog-purge-auth-events', interval '1 hour', true,
   'Authentication events (sign-ins, MFA, tokens, SSO, lockouts) and the hook-delivery replay ledger: the one-year audit trail. Whole expired days are dropped as partitions, the expired hours of the boundary day deleted, hourly.');

/** Section - Purge */

create function sealog.purge_auth_events(p_now timestamptz default now(), p_max_days integer default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
declare
  v_started timestamptz := clock_timestamp();
  v_cutoff timestamptz := sealog.retention_cutoff('auth_events', p_now);
  v_events record;
  v_deliveries record;
  v_event_days record;
  v_delivery_days record;
begin
  -- Both tables' row deletes first, then both tables' detaches, which lock each parent until
  -- commit (as in sealog.finish_partitioned_purge).
  select * into v_events
    from sealog.delete_expired_partitioned_rows('auth_events', 'sealog.auth_events', p_now, null, p_max_days);
  select * into v_deliveries
    from sealog.delete_expired_partitioned_rows('auth_events', 'sealog.auth_hook_deliveries', p_now, 'received_at',
                                                p_max_days);
  select * into v_event_days from sealog.detach_expired_partitions('sealog.auth_events', v_cutoff, p_max_days);
  select * into v_delivery_days
    from sealog.detach_expired_partitions('sealog.auth_hook_deliveries', v_cutoff, p_max_days);
  return sealog.record_purge(
    'auth_events', p_now, v_started, v_events.rows_deleted + v_deliveries.rows_deleted,
    v_event_days.partitions_dropped + v_delivery_days.partitions_dropped, v_events.tenant_overrides,
    v_events.complete and v_deliveries.complete and v_event_days.complete and v_delivery_days.complete,
    nullif(concat_ws('; ', v_events.note, v_deliveries.note, v_event_days.note, v_delivery_days.note), ''))
    || jsonb_build_object('partitions_left', v_event_days.partitions_left + v_delivery_days.partitions_left);
end
$$;
comment on function sealog.purge_auth_events(timestamptz, integer) is 'Purges auth events and hook deliveries older than one year (or a tenant''s shorter override), hourly: the boundary day''s expired hours deleted, then whole daily partitions detached, the oldest p_max_days of each table (all when null; with p_max_days above 0, no row deletes; its job: one day per transaction), dropped by sealog-purge-detached-days.';
revoke all on function sealog.purge_auth_events(timestamptz, integer) from public, anon, authenticated, service_role, sealog_edge;

/** Section - Schedule (cron.schedule upserts by name) */

select cron.schedule('sealog-purge-auth-events', '40 * * * *', sealog.one_day_per_transaction('sealog.purge_auth_events'));
