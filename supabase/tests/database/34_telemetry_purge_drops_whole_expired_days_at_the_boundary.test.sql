-- Telemetry is kept 90 days. Time is frozen in 2020, away from the suite's own rows. A day's
-- partition is dropped once its last instant is 90 days old (not a second earlier); the
-- cutoff's own day loses its rows at or before the cutoff, one second younger stays; the
-- idempotency ledger and stragglers in the default partition follow the same cutoff.
begin;
select plan(15);

select count(*) as live_partitions
  from pg_inherits where inhparent = 'sealog.llm_request_logs'::regclass \gset

select is(sealog.maintain_telemetry_partitions('2020-03-17 00:00:00+00', 0, 2), 3,
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
insert into sealog.llm_event_ids (tenant_id, event_id, occurred_at)
select '00000000-0000-4000-8000-000000000034', event_id, occurred_at from probe;

create function pg_temp.remaining() returns text[] language sql as $$
  select coalesce(array_agg(p.label order by p.occurred_at), '{}')
    from probe p join sealog.llm_request_logs l on l.event_id = p.event_id and l.occurred_at = p.occurred_at
$$;
create function pg_temp.remaining_in_ledger() returns text[] language sql as $$
  select coalesce(array_agg(p.label order by p.occurred_at), '{}')
    from probe p join sealog.llm_event_ids e on e.event_id = p.event_id
$$;

-- A: one second before 2020-03-15's last instant is 90 days old.
select is((sealog.purge_telemetry('2020-06-13 23:59:59+00') ->> 'partitions_dropped')::int, 0,
  'a second early, the day''s partition is kept');
select ok(to_regclass('sealog.llm_request_logs_p20200315') is not null, '2020-03-15 still has its partition');
select is(pg_temp.remaining(), array['older', 'boundary', 'younger'],
  'but its rows past the cutoff, and the straggler in the default partition, are deleted');

-- B: the day is 90 days old as a whole.
select is((sealog.purge_telemetry('2020-06-14 00:00:00+00') ->> 'partitions_dropped')::int, 1,
  'exactly 90 days after the day''s end, its partition is dropped');
select ok(to_regclass('sealog.llm_request_logs_p20200315') is null, '2020-03-15''s partition is gone');

-- C: mid-day, rows at the boundary and one second either side.
select is((sealog.purge_telemetry('2020-06-14 12:00:00+00') ->> 'partitions_dropped')::int, 0,
  'the cutoff''s own day keeps its partition');
select is(pg_temp.remaining(), array['younger'],
  'a row at the cutoff or one second older is purged; one second younger stays');
select is(pg_temp.remaining_in_ledger(), array['younger'],
  'the idempotency ledger is purged by the same cutoff');
select ok(
  to_regclass('sealog.llm_request_logs_p20200316') is not null and to_regclass('sealog.llm_request_logs_p20200317') is not null,
  'younger days keep their partitions'
);
select is(
  (select count(*) from pg_inherits where inhparent = 'sealog.llm_request_logs'::regclass),
  (:live_partitions + 2)::bigint,
  'no partition of the present is touched'
);

select results_eq(
  $$select ran_at, partitions_dropped, complete from sealog.purge_log
     where category = 'telemetry' and ran_at < '2021-01-01' order by ran_at$$,
  $$values ('2020-06-13 23:59:59+00'::timestamptz, 0::bigint, true),
           ('2020-06-14 00:00:00+00', 1, true),
           ('2020-06-14 12:00:00+00', 0, true)$$,
  'every run is in the purge log with the partitions it dropped'
);
select is(
  (select sum(rows_deleted)::int from sealog.purge_log where category = 'telemetry' and ran_at < '2021-01-01'),
  8,
  'the purge log counts the rows deleted: 4 telemetry rows and 4 ledger rows'
);

-- D: a run that stops at its batch limit says so, in a note that names only the table.
insert into sealog.llm_event_ids (tenant_id, event_id, occurred_at)
select '00000000-0000-4000-8000-000000000034', gen_random_uuid(), '2020-03-16 06:00:00+00'
  from generate_series(1, 2);
select is(
  (select row(r ->> 'complete', r ->> 'rows_deleted', r ->> 'note')::text
     from sealog.purge_telemetry('2020-06-14 12:00:00+00', 1, 1) as r),
  row('false', '1', 'sealog.llm_event_ids: batch limit reached; continued at the next run')::text,
  'a run cut short by its batch limit is incomplete, with a note naming the table'
);
select is(
  (select count(*)::int from sealog.purge_log where category = 'telemetry' and note like ';%'),
  0,
  'no note starts with an empty part'
);

select * from finish();
rollback;
