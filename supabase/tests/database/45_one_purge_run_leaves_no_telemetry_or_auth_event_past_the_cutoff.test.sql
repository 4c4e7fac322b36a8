-- As pgTAP 44 for the API access log: one run of the telemetry purge, then of the auth-event
-- purge, drops the whole expired day and deletes every row of the boundary day at or before
-- the hour-aligned cutoff (240,000 rows a day, far more than a batch of 5,000; there is no
-- cap), keeps every younger row, and the SOC 2 data-retention control passes afterwards.
-- The rows sit on 2020-03-15 (expired) and 2020-03-16 (boundary, cut at 13:00).
begin;
select plan(10);

select sealog_admin.create_tenant('purge volume probe') as tenant_id \gset
select sealog.create_day_partitions(t, '2020-03-16 00:00:00+00', 0, 1)
  from unnest(array['sealog.llm_request_logs', 'sealog.auth_events', 'sealog.auth_hook_deliveries']::regclass[]) as t;

-- One row every 360 ms on each day: 130,001 of the boundary day's 240,000 at or before 13:00.
create temporary table instants as
select d + i * interval '360 milliseconds' as at
  from unnest(array['2020-03-15 00:00:00+00', '2020-03-16 00:00:00+00']::timestamptz[]) as d,
       generate_series(0, 239999) as i;
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
select :'tenant_id', at, gen_random_uuid(), 'volume', 'model', 1, 1 from instants;
insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome)
select :'tenant_id', gen_random_uuid(), at, 'api', 'login', 'success' from instants;
insert into sealog.auth_hook_deliveries (tenant_id, webhook_id, received_at)
select :'tenant_id', 'msg_' || extract(epoch from at), at from instants;

create function pg_temp.left_past(p_table regclass, p_column text, p_cutoff timestamptz) returns bigint
language plpgsql as $$
declare v bigint;
begin
  execute format('select count(*) from %s where tenant_id = %L and %I <= %L', p_table,
                 current_setting('test.tenant'), p_column, p_cutoff) into v;
  return v;
end
$$;
create function pg_temp.kept(p_table regclass, p_column text) returns bigint
language plpgsql as $$
declare v bigint;
begin
  execute format('select count(*) from %s where tenant_id = %L and %I > %L and %I < %L', p_table,
                 current_setting('test.tenant'), p_column, '2020-03-16 13:00:00+00', p_column, '2020-03-17 00:00:00+00') into v;
  return v;
end
$$;
select set_config('test.tenant', :'tenant_id', true);

-- Telemetry: 90 days; at 2020-06-14 13:20 the cutoff is 2020-03-16 13:00.
-- The usage deltas' purge (usage_delta_rows_deleted) and the rollups' own job are pgTAP 16's concern.
select is(
  sealog.purge_telemetry('2020-06-14 13:20:00+00') - 'purge_id' - 'ran_at' - 'duration_ms'
    - 'usage_delta_rows_deleted',
  '{"category": "telemetry", "complete": true, "rows_deleted": 130001, "tenant_overrides": 0, "partitions_dropped": 1, "partitions_left": 0}'::jsonb,
  'one telemetry run drops the expired day and deletes the boundary day''s 130,001 expired rows'
);
select is(pg_temp.left_past('sealog.llm_request_logs', 'occurred_at', '2020-03-16 13:00:00+00'), 0::bigint,
  'no telemetry row at or before the cutoff is left');
select is(pg_temp.kept('sealog.llm_request_logs', 'occurred_at'), 109999::bigint,
  'every younger telemetry row is kept');
select is(sealog.soc2_data_retention('2020-06-14 13:20:00+00') ->> 'status', 'pass',
  'the SOC 2 data-retention control passes after the telemetry run');

-- Auth events and hook deliveries: one year; at 2021-03-16 13:20 the cutoff is 2020-03-16 13:00.
select is(
  sealog.purge_auth_events('2021-03-16 13:20:00+00') - 'purge_id' - 'ran_at' - 'duration_ms',
  '{"category": "auth_events", "complete": true, "rows_deleted": 260002, "tenant_overrides": 0, "partitions_dropped": 2, "partitions_left": 0}'::jsonb,
  'one auth-event run drops both tables'' expired day and deletes both boundary days'' expired rows'
);
select is(pg_temp.left_past('sealog.auth_events', 'occurred_at', '2020-03-16 13:00:00+00'), 0::bigint,
  'no auth event at or before the cutoff is left');
select is(pg_temp.left_past('sealog.auth_hook_deliveries', 'received_at', '2020-03-16 13:00:00+00'), 0::bigint,
  'no hook delivery at or before the cutoff is left');
select is(pg_temp.kept('sealog.auth_events', 'occurred_at'), 109999::bigint, 'every younger auth event is kept');
select is(pg_temp.kept('sealog.auth_hook_deliveries', 'received_at'), 109999::bigint, 'every younger hook delivery is kept');

-- The hourly telemetry runs of that year would have removed the rest of its days.
select sealog.purge_telemetry('2021-03-16 13:20:00+00');
select is(sealog.soc2_data_retention('2021-03-16 13:20:00+00') ->> 'status', 'pass',
  'the SOC 2 data-retention control passes after the auth-event run');

select * from finish();
rollback;
