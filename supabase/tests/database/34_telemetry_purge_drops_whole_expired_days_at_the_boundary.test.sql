-- Telemetry is kept 90 days, by whole UTC days. Time is frozen in 2020, away from the
-- suite's own rows. A day's partition is dropped once its last instant is 90 days old (not a
-- second earlier), so no row outlives the policy by more than a day (its grace); the cutoff's
-- own day is kept whole; stragglers in the default partition go by the exact cutoff.
begin;
select plan(9);

select count(*) as live_partitions
  from pg_inherits where inhparent = 'sealog.llm_request_logs'::regclass \gset

select is(sealog.create_day_partitions('sealog.llm_request_logs', '2020-03-17 00:00:00+00', 0, 2), 3,
  'partitions for 2020-03-15, 03-16 and 03-17 are created');

create temporary table probe (label text, occurred_at timestamptz, event_id uuid default gen_random_uuid());
insert into probe (label, occurred_at) values
  ('straggler', '2019-01-01 00:00:00+00'),
  ('expired_day', '2020-03-15 12:00:00+00'),
  ('older', '2020-03-16 11:59:59+00'),
  ('boundary', '2020-03-16 12:00:00+00'),
  ('younger', '2020-03-16 12:00:01+00');
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
select '00000000-0000-4000-8000-000000000034', occurred_at, event_id, 'purge-probe', 'model', 1, 1 from probe;

create function pg_temp.remaining() returns text[] language sql as $$
  select coalesce(array_agg(p.label order by p.occurred_at), '{}')
    from probe p join sealog.llm_request_logs l on l.event_id = p.event_id and l.occurred_at = p.occurred_at
$$;

-- A: one second before 2020-03-15's last instant is 90 days old.
select is((sealog.purge_telemetry('2020-06-13 23:59:59+00') ->> 'partitions_dropped')::int, 0,
  'a second early, the day''s partition is kept');
select is(pg_temp.remaining(), array['expired_day', 'older', 'boundary', 'younger'],
  'its rows stay; the straggler in the default partition, past the cutoff, is deleted');

-- B: the day is 90 days old as a whole.
select is((sealog.purge_telemetry('2020-06-14 00:00:00+00') ->> 'partitions_dropped')::int, 1,
  'exactly 90 days after the day''s end, its partition is dropped');
select ok(to_regclass('sealog.llm_request_logs_p20200315') is null, '2020-03-15''s partition is gone');

-- C: mid-day: the cutoff's own day is kept whole until it has passed.
select is((sealog.purge_telemetry('2020-06-14 12:00:00+00') ->> 'partitions_dropped')::int, 0,
  'the cutoff''s own day keeps its partition');
select is(pg_temp.remaining(), array['older', 'boundary', 'younger'],
  'and its rows, which go with the day, at most one day past the policy');
select is(
  (select count(*) from pg_inherits where inhparent = 'sealog.llm_request_logs'::regclass),
  (:live_partitions + 2)::bigint,
  'no partition of the present is touched'
);

select results_eq(
  $$select ran_at, rows_deleted, partitions_dropped, complete from sealog.purge_log
     where category = 'telemetry' and ran_at < '2021-01-01' order by ran_at$$,
  $$values ('2020-06-13 23:59:59+00'::timestamptz, 1::bigint, 0::bigint, true),
           ('2020-06-14 00:00:00+00', 0, 1, true),
           ('2020-06-14 12:00:00+00', 0, 0, true)$$,
  'every run is in the purge log with the rows deleted and the partitions dropped'
);

select * from finish();
rollback;
