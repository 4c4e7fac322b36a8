-- API access logs are kept 90 days, by whole UTC days, like telemetry: a day's partition is
-- dropped once its last instant is 90 days old, whatever its size; stragglers in the default
-- partition go by the exact cutoff, in batches that say when they stop early.
begin;
select plan(6);

select is(sealog.create_day_partitions('sealog.api_access_log', '2020-03-17 00:00:00+00', 0, 1), 2,
  'partitions for 2020-03-16 and 03-17 are created');
insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role) values
  (gen_random_uuid(), '2020-03-16 00:00:00+00', 'GET', '/probe/first', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-03-16 23:59:59.999999+00', 'GET', '/probe/last', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-03-17 00:00:00+00', 'GET', '/probe/next-day', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-01-01 00:00:00+00', 'GET', '/probe/straggler', 200, 1, 'none', 'sealog_functions');

select is(
  sealog.purge_api_access_log('2020-06-14 23:59:59+00') - 'purge_id' - 'ran_at' - 'duration_ms',
  '{"category": "api_access_logs", "complete": true, "rows_deleted": 1, "tenant_overrides": 0, "partitions_dropped": 0}'::jsonb,
  'a second before 2020-03-16 is 90 days old as a whole, only the straggler goes'
);
select is((sealog.purge_api_access_log('2020-06-15 00:00:00+00') ->> 'partitions_dropped')::int, 1,
  'exactly 90 days after the day''s end, its partition is dropped');
select results_eq(
  $$select path from sealog.api_access_log where path like '/probe/%' order by received_at$$,
  array['/probe/next-day'],
  'the next day, from its first instant, stays'
);

insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
select gen_random_uuid(), '2020-01-01 00:00:00+00', 'GET', '/probe/bulk', 200, 1, 'none', 'sealog_functions' from generate_series(1, 5);
select is(
  sealog.purge_api_access_log('2020-06-15 00:00:00+00', 2, 2) - 'purge_id' - 'ran_at' - 'duration_ms',
  '{"category": "api_access_logs", "complete": false, "rows_deleted": 4, "tenant_overrides": 0, "partitions_dropped": 0, "note": "sealog.api_access_log_default: batch limit reached; continued at the next run"}'::jsonb,
  'straggler batches stop at their limit and say so in the purge log'
);
select is(
  (sealog.purge_api_access_log('2020-06-15 00:00:00+00', 2, 2) ->> 'complete')::boolean,
  true,
  'the next run finishes the work'
);

select * from finish();
rollback;
