-- The boundary day's expired rows go in slices of eight pages (sealog.delete_in_slices), from
-- the first page that holds such a row to the last, so a late row with an old time, stored
-- after younger ones, goes too, and no younger row does. (The pause after each slice is
-- measured by deno task bench, not here: a test may not time itself.)
begin;
select plan(5);

select sealog.create_day_partitions('sealog.api_access_log', '2020-03-16 00:00:00+00', 0, 0);
-- 20,000 rows over the day in the order they arrived, then one late row from 01:00.
insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
select gen_random_uuid(), '2020-03-16 00:00:00+00'::timestamptz + (i * interval '4.32 seconds'),
       'GET', '/probe/' || i, 200, 1, 'none', 'sealog_functions'
  from generate_series(0, 19999) as i;
insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
values (gen_random_uuid(), '2020-03-16 01:00:00+00', 'GET', '/probe/late', 200, 1, 'none', 'sealog_functions');

create temporary table sliced on commit drop as
select * from sealog.delete_in_slices('sealog.api_access_log_p20200316',
                                      $$received_at < '2020-03-16 12:00:00+00'$$);

select is((select rows_deleted from sliced), 10001::bigint,
  'every row before noon goes, the late one included');
select is((select complete from sliced), true, 'the delete is complete');
select is(
  (select slices from sliced),
  (select (pg_catalog.pg_relation_size('sealog.api_access_log_p20200316') / current_setting('block_size')::bigint + 7)::int / 8),
  'in slices of eight pages up to the late row''s, the last page'
);
select is((select count(*)::int from sealog.api_access_log_p20200316 where received_at < '2020-03-16 12:00:00+00'), 0,
  'nothing before noon is left');
select is((select count(*)::int from sealog.api_access_log_p20200316), 10000, 'every row from noon stays');

select * from finish();
rollback;
