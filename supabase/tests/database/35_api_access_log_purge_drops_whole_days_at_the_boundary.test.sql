-- API access logs are kept 90 days, cut at the top of the hour like telemetry: one run
-- deletes the boundary day's rows at or before the cutoff (a microsecond either side), and
-- drops a day once the cutoff reaches its end, whatever its size; stragglers in the default
-- partition go by the same cutoff.
begin;
select plan(5);

select is(sealog.create_day_partitions('sealog.api_access_log', '2020-03-17 00:00:00+00', 0, 1), 2,
  'partitions for 2020-03-16 and 03-17 are created');
insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role) values
  (gen_random_uuid(), '2020-03-16 00:00:00+00', 'GET', '/probe/first', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-03-16 06:59:59.999999+00', 'GET', '/probe/older', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-03-16 07:00:00+00', 'GET', '/probe/boundary', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-03-16 07:00:00.000001+00', 'GET', '/probe/younger', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-03-17 00:00:00.000001+00', 'GET', '/probe/next-day', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-01-01 00:00:00+00', 'GET', '/probe/straggler', 200, 1, 'none', 'sealog_functions');

select is(
  sealog.purge_api_access_log('2020-06-14 07:45:00+00') - 'purge_id' - 'ran_at' - 'duration_ms',
  '{"category": "api_access_logs", "complete": true, "rows_deleted": 4, "tenant_overrides": 0, "partitions_dropped": 0, "partitions_left": 0}'::jsonb,
  'at 07:45 the cutoff is 2020-03-16 07:00: three rows of that day and the straggler go'
);
select results_eq(
  $$select path::text from sealog.api_access_log where path like '/probe/%' order by received_at$$,
  array['/probe/younger', '/probe/next-day'],
  'a microsecond younger than the cutoff stays, with its day''s partition'
);
select is((sealog.purge_api_access_log('2020-06-15 00:20:00+00') ->> 'partitions_dropped')::int, 1,
  'once the cutoff reaches the day''s end, its partition is dropped');
select results_eq(
  $$select path::text from sealog.api_access_log where path like '/probe/%' order by received_at$$,
  array['/probe/next-day'],
  'the next day stays, except an instant at the cutoff itself'
);

select * from finish();
rollback;
