-- A purge passes over the days whose names (<table>_pYYYYMMDD, as partition maintenance
-- makes them) end after the cutoff without reading their bounds; every other partition, and
-- every day its name says is past, is judged by its bound. So a partition named otherwise is
-- still detached once past, and a name alone never detaches a day that is not.
begin;
select plan(4);

create table sealog.api_access_log_legacy_march (like sealog.api_access_log including defaults including constraints);
alter table sealog.api_access_log attach partition sealog.api_access_log_legacy_march
  for values from ('2020-03-10 00:00:00+00') to ('2020-03-11 00:00:00+00');
-- Named as if it held 2020-03-01, but holding a day after the cutoff.
create table sealog.api_access_log_p20200301 (like sealog.api_access_log including defaults including constraints);
alter table sealog.api_access_log attach partition sealog.api_access_log_p20200301
  for values from ('2020-06-20 00:00:00+00') to ('2020-06-21 00:00:00+00');
insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role) values
  (gen_random_uuid(), '2020-03-10 12:00:00+00', 'GET', '/probe/legacy', 200, 1, 'none', 'sealog_functions'),
  (gen_random_uuid(), '2020-06-20 12:00:00+00', 'GET', '/probe/misnamed', 200, 1, 'none', 'sealog_functions');

select is((sealog.purge_api_access_log('2020-06-14 07:45:00+00') ->> 'partitions_dropped')::int, 1,
  'at a cutoff of 2020-06-14 07:00, one day is past: the one named otherwise');
select is(
  (select c.relispartition from pg_catalog.pg_class c
    where c.relnamespace = 'sealog'::regnamespace and c.relname = 'api_access_log_legacy_march_expired'),
  false,
  'the partition named otherwise is detached, as its bound is past the cutoff'
);
select is(
  (select c.relispartition from pg_catalog.pg_class c
    where c.relnamespace = 'sealog'::regnamespace and c.relname = 'api_access_log_p20200301'),
  true,
  'the day whose name says it is past, but whose bound is not, stays attached'
);
select results_eq(
  $$select path::text from sealog.api_access_log where path like '/probe/%' order by received_at$$,
  array['/probe/misnamed'],
  'its row stays; the detached day''s row is gone from the table'
);

select * from finish();
rollback;
