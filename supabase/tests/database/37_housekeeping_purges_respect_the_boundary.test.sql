-- Housekeeping categories at their boundary, time frozen: idle rate-limit buckets (7 days),
-- pg_cron's run history (14 days) and the purge log itself (1 year).
begin;
select plan(6);

-- Rate-limit buckets: one tenant per bucket.
create temporary table bucket_probe as
select label, sealog_admin.create_tenant('bucket ' || label) as tenant_id, at
  from (values ('older', '2020-06-07 11:59:59+00'::timestamptz),
               ('boundary', '2020-06-07 12:00:00+00'),
               ('younger', '2020-06-07 12:00:01+00')) as v(label, at);
insert into sealog.rate_limit_buckets (tenant_id, tokens, refilled_at, last_allowed)
select tenant_id, 1, at, true from bucket_probe;

select is((sealog.purge_ephemeral('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 2,
  'buckets idle for a week or longer are deleted');
select results_eq(
  $$select p.label from bucket_probe p join sealog.rate_limit_buckets b using (tenant_id)$$,
  array['younger'],
  'a bucket one second short of a week idle stays'
);

-- pg_cron's history.
insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
select 0, 0, 'postgres', 'postgres', 'select ' || quote_literal(label), 'succeeded', '1 row', at, at
  from (values ('older', '2020-05-31 11:59:59+00'::timestamptz),
               ('boundary', '2020-05-31 12:00:00+00'),
               ('younger', '2020-05-31 12:00:01+00')) as v(label, at);
select is((sealog.purge_cron_history('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 2,
  'cron runs 14 days old or older are deleted');
select results_eq(
  $$select command from cron.job_run_details where jobid = 0 and start_time < '2021-01-01'$$,
  array['select ''younger'''],
  'a run one second younger than 14 days stays'
);

-- The purge log: one year.
insert into sealog.purge_log (category, ran_at, duration_ms, rows_deleted, complete, note)
select 'purge_log', at, 0, 0, true, label
  from (values ('older', '2019-06-14 11:59:59+00'::timestamptz),
               ('boundary', '2019-06-14 12:00:00+00'),
               ('younger', '2019-06-14 12:00:01+00')) as v(label, at);
select is((sealog.purge_purge_log('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 2,
  'purge-log rows a year old or older are deleted');
select results_eq(
  $$select coalesce(note, 'this run') from sealog.purge_log where ran_at < '2021-01-01' and category = 'purge_log' order by ran_at$$,
  array['younger', 'this run'],
  'a row one second younger than a year stays, and the run logs itself'
);

select * from finish();
rollback;
