-- Every time-partitioned table (telemetry, its usage rollups, the API access log, auth events
-- and hook deliveries) has partitions a week ahead and over the retention window, from one
-- maintenance function; it creates new days and drains rows that reached a default
-- partition into their day.
begin;
select plan(11);

create temporary table partitioned (name text);
insert into partitioned values ('llm_request_logs'), ('usage_rollups'), ('usage_risk_rollups'), ('api_access_log'),
  ('auth_events'), ('auth_hook_deliveries');

select set_eq(
  $$select c.relname::text from pg_partitioned_table p join pg_class c on c.oid = p.partrelid
     where c.relnamespace = 'sealog'::regnamespace$$,
  $$select name from partitioned$$,
  'telemetry, its usage rollups, the API access log, auth events and hook deliveries are the partitioned tables'
);
select is_empty(
  $$select name from partitioned
     where to_regclass(format('sealog.%s_p%s', name, to_char((now() at time zone 'utc')::date + 7, 'YYYYMMDD'))) is null$$,
  'a partition exists 7 days ahead for each'
);
select is_empty(
  $$select name from partitioned
     where to_regclass(format('sealog.%s_p%s', name, to_char((now() at time zone 'utc')::date - 90, 'YYYYMMDD'))) is null$$,
  'a partition exists 90 days back for each'
);
select is_empty(
  $$select name from partitioned where to_regclass(format('sealog.%s_default', name)) is null$$,
  'a default partition catches stragglers'
);

-- Stragglers 40 days ahead land in the default partitions.
select sealog_admin.create_tenant('partition probe') as tenant_id \gset
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
values (gen_random_uuid(), now() + interval '40 days', gen_random_uuid(), 'straggler', 'm', 1, 1);
-- A rollup block 40 days ahead: its latency_pairs is generated again in the day it moves to.
insert into sealog.usage_rollups (tenant_id, span_minutes, detailed, bucket, model, events, errors, input_tokens,
  output_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, cost_micro_usd,
  pii_or_secret_events, latency_bins)
values (:'tenant_id', 1440, false, date_trunc('day', now() + interval '40 days', 'UTC'), 'm', 1, 0, 1, 1, 0, 0, 0, 0, 0,
        '{"12": 1}');
insert into sealog.usage_risk_rollups (tenant_id, span_minutes, detailed, bucket, model, risk_tag, events, errors,
  input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, cost_micro_usd,
  pii_or_secret_events, latency_bins)
values (:'tenant_id', 15, false, date_bin('15 minutes', now() + interval '40 days', timestamptz '2000-01-01 00:00+00'),
        'm', '', 1, 0, 1, 1, 0, 0, 0, 0, 0, '{}');
insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
values (gen_random_uuid(), now() + interval '40 days', 'GET', '/probe/straggler', 200, 1, 'none', 'sealog_functions');
insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome)
values (:'tenant_id', gen_random_uuid(), now() + interval '40 days', 'api', 'login', 'success');
insert into sealog.auth_hook_deliveries (tenant_id, webhook_id, received_at)
values (:'tenant_id', 'msg_straggler', now() + interval '40 days');
create function pg_temp.in_defaults() returns integer language sql as $$
  select ((select count(*) from sealog.llm_request_logs_default) + (select count(*) from sealog.api_access_log_default)
        + (select count(*) from sealog.auth_events_default) + (select count(*) from sealog.auth_hook_deliveries_default)
        + (select count(*) from sealog.usage_rollups_default) + (select count(*) from sealog.usage_risk_rollups_default))::integer
$$;
select is(pg_temp.in_defaults(), 6, 'the stragglers are in the default partitions');

select cmp_ok(
  sealog.maintain_partitions(now() + interval '35 days'),
  '>=', 210,
  'maintenance at a later date creates the missing days of every table'
);
select is(pg_temp.in_defaults(), 0, 'the default partitions are drained into the new days');
select is(
  (select split_part(obj_description(format('sealog.auth_events_p%s', to_char((now() at time zone 'utc')::date + 40, 'YYYYMMDD'))::regclass, 'pg_class'), '.', 1)),
  'CONFIDENTIAL; pii=personal; retention=auth_events',
  'a new partition carries its parent''s classification'
);

select is(
  (select latency_pairs from sealog.usage_rollups where tenant_id = :'tenant_id'),
  '12,1',
  'a rollup block drained into its new day keeps its generated column'
);
select ok(
  (select c.relrowsecurity and c.relforcerowsecurity
          and not has_table_privilege('service_role', c.oid, 'select')
          and split_part(obj_description(c.oid, 'pg_class'), '.', 1) = 'INTERNAL; pii=none; retention=telemetry'
     from pg_class c
    where c.oid = format('sealog.usage_rollups_p%s', to_char((now() at time zone 'utc')::date + 40, 'YYYYMMDD'))::regclass),
  'a new rollup day has forced RLS, no grants and the rollups'' classification'
);
select is(
  (select count(*)::integer from sealog.usage_rollups_default) + (select count(*)::integer from sealog.usage_risk_rollups_default),
  0,
  'the rollups'' default partitions are drained too'
);

select * from finish();
rollback;
