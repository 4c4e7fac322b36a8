-- The SOC 2 data-retention control and the operator's retention status measure from the
-- purges' own hour-aligned cutoff, with one schedule period (an hour) of grace. At 13:10, before
-- that hour's run, the 12:15 run has left rows younger than its cutoff (2020-03-16 12:00 for the
-- API access log): such a row is within policy; a row at that cutoff, which the 12:15 run would
-- have deleted, means a run was missed and is flagged. Frozen in 2020.
begin;
select plan(6);

select sealog.create_day_partitions('sealog.api_access_log', '2020-03-16 00:00:00+00', 0, 0);
insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
values (gen_random_uuid(), '2020-03-16 12:00:00.000001+00', 'GET', '/probe/left-by-the-last-run', 200, 1, 'none', 'sealog_functions');

select is(sealog.soc2_data_retention('2020-06-14 13:10:00+00') ->> 'status', 'pass',
  'a row younger than the last run''s cutoff passes the control');
select is(
  (select r ->> 'within_policy' from jsonb_array_elements(sealog.retention_status('2020-06-14 13:10:00+00')) r
    where r ->> 'category' = 'api_access_logs'),
  'true',
  'and is within policy in the operator''s retention status'
);

insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
values (gen_random_uuid(), '2020-03-16 12:00:00+00', 'GET', '/probe/missed-by-a-run', 200, 1, 'none', 'sealog_functions');

select is(sealog.soc2_data_retention('2020-06-14 13:10:00+00') ->> 'status', 'fail',
  'a row at the last run''s cutoff fails the control');
select ok(
  jsonb_path_exists(sealog.soc2_data_retention('2020-06-14 13:10:00+00'),
    '$.findings[*] ? (@.code == "retention_exceeded" && @.object == "sealog.api_access_log")'),
  'with a retention_exceeded finding for the API access log'
);
select is(
  (select r ->> 'within_policy' from jsonb_array_elements(sealog.retention_status('2020-06-14 13:10:00+00')) r
    where r ->> 'category' = 'api_access_logs'),
  'false',
  'and is outside policy in the operator''s retention status'
);

select is(
  sealog.purge_api_access_log('2020-06-14 13:20:00+00') ->> 'rows_deleted',
  '2',
  'the 13:20 run deletes both (its cutoff is 13:00)'
);

select * from finish();
rollback;
