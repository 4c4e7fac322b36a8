-- No row outlives its policy at any volume: one run drops a whole expired day (detached, then
-- dropped by sealog.purge_detached_days) and deletes the
-- expired hours of a boundary day holding 3 million access-log rows, 1.6 million of them past
-- the cutoff (more than the 200 batches of 5,000 that once capped a run), leaves nothing at
-- or before the cutoff, keeps every younger row, and the SOC 2 data-retention control then
-- finds nothing past policy. Frozen in 2020: at 13:20 the cutoff is 2020-03-16 13:00.
begin;
select plan(8);

select sealog.create_day_partitions('sealog.api_access_log', '2020-03-16 00:00:00+00', 0, 1);
-- A whole expired day: 500,000 rows.
insert into sealog.api_access_log (request_id, received_at, tenant_id, method, path, status_code, duration_ms, caller_kind, db_role)
select gen_random_uuid(), '2020-03-15 00:00:00+00'::timestamptz + (i * interval '172.8 milliseconds'),
       '00000000-0000-4000-8000-000000000044', 'POST', '/ingest', 200, 1, 'tenant_key', 'sealog_functions'
  from generate_series(0, 499999) as i;
-- The boundary day: 3 million rows, one every 28.8 ms; 1,625,001 at or before 13:00.
insert into sealog.api_access_log (request_id, received_at, tenant_id, method, path, status_code, duration_ms, caller_kind, db_role)
select gen_random_uuid(), '2020-03-16 00:00:00+00'::timestamptz + (i * interval '28.8 milliseconds'),
       '00000000-0000-4000-8000-000000000044', 'POST', '/ingest', 200, 1, 'tenant_key', 'sealog_functions'
  from generate_series(0, 2999999) as i;
select is((select count(*)::int from sealog.api_access_log_p20200316), 3000000, 'the boundary day holds 3 million rows');

select is(
  sealog.purge_api_access_log('2020-06-14 13:20:00+00') - 'purge_id' - 'ran_at' - 'duration_ms',
  '{"category": "api_access_logs", "complete": true, "rows_deleted": 1625001, "tenant_overrides": 0, "partitions_dropped": 1, "partitions_left": 0}'::jsonb,
  'one run drops the expired day, deletes the boundary day''s 1,625,001 expired rows and is complete'
);
select ok(to_regclass('sealog.api_access_log_p20200315') is null, 'the expired day''s partition is gone');
-- The run's other half, in pg_cron's next minute: the detached day's files, apart from the
-- parent's lock.
select is(sealog.purge_detached_days(), '{"partitions_dropped": 1, "partitions_left": 0}'::jsonb,
  'the detached day is then dropped');
select is_empty('select * from sealog.detached_days()', 'no detached day is left');
select is(
  (select count(*)::int from sealog.api_access_log where received_at <= '2020-03-16 13:00:00+00'),
  0,
  'nothing at or before the cutoff is left'
);
select is(
  (select count(*)::int from sealog.api_access_log
    where received_at > '2020-03-16 13:00:00+00' and received_at < '2020-03-17 00:00:00+00'),
  1374999,
  'every younger row of the boundary day is kept'
);
select is(
  sealog.soc2_data_retention('2020-06-14 13:20:00+00') ->> 'status',
  'pass',
  'the SOC 2 data-retention control passes afterwards'
);

select * from finish();
rollback;
