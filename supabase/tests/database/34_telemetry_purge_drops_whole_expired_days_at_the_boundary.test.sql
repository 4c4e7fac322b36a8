-- Telemetry is kept 90 days, cut at the top of the hour: a run at p_now deletes every row at
-- or before date_trunc('hour', p_now) - 90 days, one second either side, drops the days
-- wholly before that cutoff and keeps the rest of the boundary day. Time is frozen in 2020,
-- away from the suite's own rows; stragglers in the default partition go by the same cutoff.
begin;
select plan(11);

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
  ('younger', '2020-03-16 12:00:01+00'),
  ('next_day', '2020-03-17 00:00:01+00');
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
select '00000000-0000-4000-8000-000000000034', occurred_at, event_id, 'purge-probe', 'model', 1, 1 from probe;

create function pg_temp.remaining() returns text[] language sql as $$
  select coalesce(array_agg(p.label order by p.occurred_at), '{}')
    from probe p join sealog.llm_request_logs l on l.event_id = p.event_id and l.occurred_at = p.occurred_at
$$;

-- A: 11:59:59, 'older' is 90 days old, but the cutoff is the top of the hour (11:00).
select is(sealog.purge_telemetry('2020-06-14 11:59:59+00') - 'purge_id' - 'ran_at' - 'duration_ms' - 'usage_delta_rows_deleted',
  '{"category": "telemetry", "complete": true, "rows_deleted": 1, "tenant_overrides": 0, "partitions_dropped": 1}'::jsonb,
  'the day wholly before the cutoff is dropped, the straggler deleted');
select ok(to_regclass('sealog.llm_request_logs_p20200315') is null, '2020-03-15''s partition is gone');
select is(pg_temp.remaining(), array['older', 'boundary', 'younger', 'next_day'],
  'rows younger than the hour-aligned cutoff stay until the next hour''s run');

-- B: 12:00:00, the cutoff is 2020-03-16 12:00: the boundary day's expired hours go.
select is((sealog.purge_telemetry('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 2,
  'the next hour''s run deletes the two rows at or before the cutoff');
select is(pg_temp.remaining(), array['younger', 'next_day'],
  'the row at the cutoff and the one a second older are gone; a second younger stays');
select ok(to_regclass('sealog.llm_request_logs_p20200316') is not null, 'the boundary day''s partition is kept');

-- C: the rest of the hour deletes nothing more.
select is((sealog.purge_telemetry('2020-06-14 12:59:59+00') ->> 'rows_deleted')::int, 0,
  'later in the same hour, nothing more is due');

-- D: the boundary day is wholly past the cutoff.
select is((sealog.purge_telemetry('2020-06-15 00:00:00+00') ->> 'partitions_dropped')::int, 1,
  'once the cutoff reaches the day''s end, its partition is dropped');
select is(
  (select count(*) from pg_inherits where inhparent = 'sealog.llm_request_logs'::regclass),
  (:live_partitions + 1)::bigint,
  'no partition of the present is touched'
);

select results_eq(
  $$select ran_at, rows_deleted, partitions_dropped, complete from sealog.purge_log
     where category = 'telemetry' and ran_at < '2021-01-01' order by ran_at$$,
  $$values ('2020-06-14 11:59:59+00'::timestamptz, 1::bigint, 1::bigint, true),
           ('2020-06-14 12:00:00+00', 2, 0, true),
           ('2020-06-14 12:59:59+00', 0, 0, true),
           ('2020-06-15 00:00:00+00', 0, 1, true)$$,
  'every run is in the purge log with the rows deleted and the partitions dropped'
);

select * from finish();
rollback;
