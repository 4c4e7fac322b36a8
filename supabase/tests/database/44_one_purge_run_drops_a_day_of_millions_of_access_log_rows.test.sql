-- No row outlives its policy at any volume: a day holding far more access-log rows than any
-- purge's batches could delete in a run (200 batches of 5,000) is gone after one run, and the
-- SOC 2 data-retention control then finds nothing past policy. Frozen in 2020.
begin;
select plan(4);

select sealog.create_day_partitions('sealog.api_access_log', '2020-03-16 00:00:00+00', 0, 0);
-- 3 million rows in one day: three times what a run's batch cap could delete.
insert into sealog.api_access_log (request_id, received_at, tenant_id, method, path, status_code, duration_ms, caller_kind, db_role)
select gen_random_uuid(), '2020-03-16 00:00:00+00'::timestamptz + (i * interval '28 milliseconds'),
       '00000000-0000-4000-8000-000000000044', 'POST', '/ingest', 200, 1, 'tenant_key', 'sealog_functions'
  from generate_series(1, 3000000) as i;
select is((select count(*)::int from sealog.api_access_log_p20200316), 3000000, 'the day holds 3 million rows');

select is(
  sealog.purge_api_access_log('2020-06-15 00:00:00+00') - 'purge_id' - 'ran_at' - 'duration_ms',
  '{"category": "api_access_logs", "complete": true, "rows_deleted": 0, "tenant_overrides": 0, "partitions_dropped": 1}'::jsonb,
  'one run drops the whole day and is complete'
);
select is(
  (select count(*)::int from sealog.api_access_log where received_at < '2020-03-17 00:00:00+00'),
  0,
  'nothing past the policy is left'
);
select is(
  sealog.soc2_data_retention('2020-06-15 00:00:00+00') ->> 'status',
  'pass',
  'the SOC 2 data-retention control passes afterwards'
);

select * from finish();
rollback;
