-- API access logs are kept 90 days. Frozen at 2020-06-14 12:00 UTC, the cutoff is
-- 2020-03-16 12:00: rows at it or one second older are deleted, one second younger stays,
-- and small batches still delete everything due.
begin;
select plan(4);

insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role) values
  (gen_random_uuid(), '2020-03-16 11:59:59+00', 'GET', '/probe/older', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-03-16 12:00:00+00', 'GET', '/probe/boundary', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-03-16 12:00:01+00', 'GET', '/probe/younger', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-01-01 00:00:00+00', 'GET', '/probe/oldest', 200, 1, 'none', 'sealog_functions');

select is(
  (sealog.purge_api_access_log('2020-06-14 12:00:00+00', 1, 10) ->> 'rows_deleted')::int,
  3,
  'batches of one row delete the three due rows'
);
select results_eq(
  $$select path from sealog.api_access_log where path like '/probe/%' order by received_at$$,
  array['/probe/younger'],
  'a row at the cutoff or older is purged; one second younger stays'
);

insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
select gen_random_uuid(), '2020-01-01 00:00:00+00', 'GET', '/probe/bulk', 200, 1, 'none', 'sealog_functions' from generate_series(1, 5);
select is(
  sealog.purge_api_access_log('2020-06-14 12:00:00+00', 2, 2) - 'purge_id' - 'ran_at' - 'duration_ms',
  '{"category": "api_access_logs", "complete": false, "rows_deleted": 4, "tenant_overrides": 0, "partitions_dropped": 0, "note": "sealog.api_access_log: batch limit reached; continued at the next run"}'::jsonb,
  'a run stops at its batch limit and says so in the purge log'
);
select is(
  (sealog.purge_api_access_log('2020-06-14 12:00:00+00', 2, 2) ->> 'complete')::boolean,
  true,
  'the next run finishes the work'
);

select * from finish();
rollback;
