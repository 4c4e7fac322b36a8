-- Telemetry is kept 90 days, cut at the top of the hour: a run at p_now deletes every row at
-- or before date_trunc('hour', p_now) - 90 days, one second either side, drops the days
-- wholly before that cutoff and keeps the rest of the boundary day. Time is frozen in 2020,
-- away from the suite's own rows; stragglers in the default partition go by the same cutoff.
-- The usage rollups (their own job) expire the same way: a day wholly past the cutoff is
-- detached whole, its rows never deleted one by one; the boundary day's expired blocks, the
-- default's stragglers and a shorter override's tenant's blocks are deleted.
begin;
select plan(24);

-- pg_cron's fold (every minute, on this database) would make the rollups' detach below give
-- way if it held their lock then; purge_locks_test is the one about giving way.
lock table sealog.usage_deltas, sealog.usage_rollups, sealog.usage_risk_rollups in access exclusive mode;

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
  '{"category": "telemetry", "complete": true, "rows_deleted": 1, "tenant_overrides": 0, "partitions_dropped": 1, "partitions_left": 0}'::jsonb,
  'the day wholly before the cutoff is dropped, the straggler deleted');
select ok(to_regclass('sealog.llm_request_logs_p20200315') is null, '2020-03-15''s partition is gone');
select is(pg_temp.remaining(), array['older', 'boundary', 'younger', 'next_day'],
  'rows younger than the hour-aligned cutoff stay until the next hour''s run');

-- B: 12:00:00, the cutoff is 2020-03-16 12:00: the boundary day's expired hours go, but not
-- in a day step of the job (p_max_days above 0), which only detaches: its first call deletes.
select is((sealog.purge_telemetry('2020-06-14 12:00:00+00', p_max_days => 1) ->> 'rows_deleted')::int, 0,
  'a day step of the job deletes no rows');
select is(pg_temp.remaining(), array['older', 'boundary', 'younger', 'next_day'], 'so the boundary day''s rows are all there');
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
     where category = 'telemetry' and ran_at < '2021-01-01' order by ran_at, purge_id$$,
  $$values ('2020-06-14 11:59:59+00'::timestamptz, 1::bigint, 1::bigint, true),
           ('2020-06-14 12:00:00+00', 0, 0, true),
           ('2020-06-14 12:00:00+00', 2, 0, true),
           ('2020-06-14 12:59:59+00', 0, 0, true),
           ('2020-06-15 00:00:00+00', 0, 1, true)$$,
  'every run is in the purge log with the rows deleted and the partitions dropped'
);

/** Section - Rows at the cutoff reach their bucket's deltas */

-- A row exactly at the cutoff is due, but its 15-minute bucket starts there and stays: it is
-- deleted through the parent, whose usage trigger appends its negative delta, in the boundary
-- day's partition and in the default alike (the purge looks for such rows first, and goes
-- through the parent only when it finds one).
create function pg_temp.bucket_events(p_bucket timestamptz) returns bigint language sql as $$
  select coalesce(sum(events), 0)::bigint from sealog.usage_deltas
   where tenant_id = '00000000-0000-4000-8000-000000000034' and bucket = p_bucket
     and risk_tag is null -- (the deltas by risk tag repeat the events, untagged ones under '')
$$;
select is(pg_temp.bucket_events('2020-03-16 12:00+00'), 1::bigint,
  'the boundary day: the deltas of the bucket at the cutoff count only the row that stays');

insert into probe (label, occurred_at) values
  ('default_at_cutoff', '2020-03-22 13:00:00+00'), ('default_younger', '2020-03-22 13:00:01+00');
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
select '00000000-0000-4000-8000-000000000034', occurred_at, event_id, 'purge-probe', 'model', 1, 1
  from probe where label like 'default%';
-- The cutoff at 2020-06-20 13:00 is 2020-03-22 13:00, a day without a partition of its own.
select is((sealog.purge_telemetry('2020-06-20 13:00:00+00') ->> 'rows_deleted')::int, 1,
  'the default partition''s row at the cutoff is deleted');
select is(pg_temp.bucket_events('2020-03-22 13:00+00'), 1::bigint,
  'and its negative delta reaches its bucket, which counts only the row that stays');

/** Section - Usage rollups: whole days detached, the rest deleted */

select sealog.create_day_partitions(t, '2020-03-17 00:00:00+00', 0, 2)
  from unnest(array['sealog.usage_rollups', 'sealog.usage_risk_rollups']::regclass[]) as t;
select sealog_admin.create_tenant('rollups kept 90 days') as a \gset
select sealog_admin.create_tenant('rollups kept 30 days') as b \gset
select sealog_admin.set_retention_override(:'b', 'telemetry', interval '30 days');

create function pg_temp.rollup(p_table text, p_label text, p_tenant uuid, p_span integer, p_bucket timestamptz)
returns void language plpgsql as $$
begin
  execute format(
    'insert into %s (tenant_id, span_minutes, detailed, bucket, model, %s events, errors, input_tokens,
                     output_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens,
                     cost_micro_usd, pii_or_secret_events, latency_bins)
     values ($1, $2, false, $3, $4, %s 1, 0, 1, 1, 0, 0, 0, 0, 0, ''{}'')',
    p_table, case when p_table like '%risk%' then 'risk_tag,' else '' end,
    case when p_table like '%risk%' then ''''',' else '' end)
    using p_tenant, p_span, p_bucket, p_label;
end
$$;
-- The label is the model; the cutoff at 2020-06-14 12:00 is 2020-03-16 12:00 (b's: 2020-05-15 12:00).
select pg_temp.rollup('sealog.usage_rollups', 'expired_day', :'a', 15, '2020-03-15 10:00+00'),
       pg_temp.rollup('sealog.usage_rollups', 'expired_day_whole', :'a', 1440, '2020-03-15 00:00+00'),
       pg_temp.rollup('sealog.usage_rollups', 'boundary_expired', :'a', 15, '2020-03-16 11:45+00'),
       pg_temp.rollup('sealog.usage_rollups', 'boundary_kept', :'a', 15, '2020-03-16 12:00+00'),
       pg_temp.rollup('sealog.usage_rollups', 'boundary_day_whole', :'a', 1440, '2020-03-16 00:00+00'),
       pg_temp.rollup('sealog.usage_rollups', 'straggler', :'a', 15, '2019-01-01 00:00+00'),
       pg_temp.rollup('sealog.usage_rollups', 'override', :'b', 15, '2020-03-17 06:00+00'),
       pg_temp.rollup('sealog.usage_risk_rollups', 'expired_day', :'a', 15, '2020-03-15 10:00+00'),
       pg_temp.rollup('sealog.usage_risk_rollups', 'override', :'b', 15, '2020-03-17 06:00+00');

select is(sealog.purge_usage_rollups('2020-06-14 12:00:00+00', p_max_days => 1),
  '{"rows_deleted": 0, "partitions_dropped": 2, "partitions_left": 0, "complete": true}'::jsonb,
  'a day step of the rollups'' job detaches the expired day of each table and deletes no rows');
select is(sealog.purge_usage_rollups('2020-06-14 12:00:00+00'),
  '{"rows_deleted": 4, "partitions_dropped": 0, "partitions_left": 0, "complete": true}'::jsonb,
  'the rollups purge deletes the boundary day''s expired block, the straggler and the override''s two blocks');
select ok(to_regclass('sealog.usage_rollups_p20200315') is null and to_regclass('sealog.usage_risk_rollups_p20200315') is null,
  'the expired day is detached from both rollup tables');
select is((select count(*) from sealog.usage_rollups_p20200315_expired) + (select count(*) from sealog.usage_risk_rollups_p20200315_expired),
  3::bigint, 'whole: its rows were not deleted one by one');
select is(
  (select array_agg(model order by bucket, span_minutes) from sealog.usage_rollups where tenant_id in (:'a', :'b')),
  array['boundary_day_whole', 'boundary_kept'],
  'the boundary day keeps its blocks that end after the cutoff; b loses its block of a day kept for everyone'
);
select ok(to_regclass('sealog.usage_rollups_p20200316') is not null and to_regclass('sealog.usage_rollups_p20200317') is not null,
  'the boundary day and the next stay');
select is(sealog.purge_detached_days(1) - 'partitions_left', '{"partitions_dropped": 1}'::jsonb,
  'a step of the drop job drops one detached day');
select is((sealog.purge_detached_days() ->> 'partitions_dropped')::int >= 1 and to_regclass('sealog.usage_rollups_p20200315_expired') is null
          and to_regclass('sealog.usage_risk_rollups_p20200315_expired') is null, true,
  'the detached days are dropped apart');

select * from finish();
rollback;
