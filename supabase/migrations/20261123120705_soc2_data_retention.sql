/**
 * SOC 2 CC6.1 control: data retention (every category has a policy, a scheduled purge and no row past it).
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Each Sealog pg_cron job with its last run, as the control reads it three times: per
-- policy, for the drop of detached days, and in the evidence.
create function sealog.cron_job_states()
returns table (jobname text, schedule text, active boolean, last_status text,
               last_start timestamptz, last_end timestamptz)
language sql
stable
set search_path = ''
as $$
  select j.jobname::text, j.schedule, j.active, d.status, d.start_time, d.end_time
    from cron.job j
    left join lateral (
      select r.status, r.start_time, r.end_time
        from cron.job_run_details r
       where r.jobid = j.jobid
       order by r.start_time desc nulls last
       limit 1) d on true
   where j.jobname like 'sealog-%'
$$;
comment on function sealog.cron_job_states() is 'Every sealog-* pg_cron job: its schedule, whether it is active, and the status, start and end of its last run (null before the first).';

create function sealog.soc2_data_retention(p_now timestamptz)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_policies jsonb := '[]'::jsonb;
  v_findings jsonb := '[]'::jsonb;
  v_policy record;
  v_oldest timestamptz;
  v_job record;
  v_last_purge jsonb;
  v_limit timestamptz;
begin
  for v_policy in
    select p.*, to_regclass(p.table_name) as relid,
           (select count(*) from sealog.retention_overrides o where o.category = p.category) as overrides
      from sealog.retention_policies p
     order by p.category
  loop
    v_oldest := null;
    v_job := null;
    -- A row is late once it is older than the cutoff the purges use by more than one
    -- schedule period (the policy's grace).
    v_limit := sealog.retention_cutoff(v_policy.category, p_now) - v_policy.grace;
    v_last_purge := null;
    if v_policy.retention is not null and v_policy.relid is not null then
      v_oldest := sealog.oldest_row_at(v_policy.relid, v_policy.time_column);
    end if;
    select * into v_job from sealog.cron_job_states() as j where j.jobname = v_policy.purge_job;
    select jsonb_build_object('ran_at', l.ran_at, 'rows_deleted', l.rows_deleted,
                              'partitions_dropped', l.partitions_dropped, 'complete', l.complete,
                              'duration_ms', l.duration_ms)
      into v_last_purge
      from sealog.purge_log l
     where l.category = v_policy.category
       and l.ran_at <= p_now
     order by l.ran_at desc
     limit 1;

    v_policies := v_policies || jsonb_build_object(
      'category', v_policy.category,
      'table', v_policy.table_name,
      'retention', coalesce(v_policy.retention::text, 'indefinite'),
      'purge_method', v_policy.purge_method,
      'purge_function', v_policy.purge_function,
      'purge_job', v_policy.purge_job,
      'schedule', v_job.schedule,
      'job_active', v_job.active,
      'last_run_status', v_job.last_status,
      'last_run_started_at', v_job.last_start,
      'last_run_finished_at', v_job.last_end,
      'last_purge', v_last_purge,
      'tenant_overrides', v_policy.overrides,
      'oldest_row_at', v_oldest,
      'oldest_row_age_days', round((extract(epoch from p_now - v_oldest) / 86400)::numeric, 2),
      'adherent', v_policy.retention is null or v_oldest is null
                  or v_oldest > v_limit);

    continue when v_policy.retention is null;
    if v_policy.relid is null then
      v_findings := v_findings || sealog.soc2_finding('retention_table_missing', v_policy.table_name,
        format('the %s policy names a table that does not exist', v_policy.category));
    end if;
    if to_regproc(v_policy.purge_function) is null then
      v_findings := v_findings || sealog.soc2_finding('purge_function_missing', v_policy.purge_function,
        format('the %s purge function does not exist', v_policy.category));
    end if;
    if v_job.jobname is null or not v_job.active then
      v_findings := v_findings || sealog.soc2_finding('purge_job_missing', v_policy.purge_job,
        format('no active pg_cron job purges %s', v_policy.category));
    elsif v_job.last_status = 'failed' then
      v_findings := v_findings || sealog.soc2_finding('purge_job_failed', v_policy.purge_job,
        format('the last run of the %s purge failed', v_policy.category));
    end if;
    if v_oldest is not null and v_oldest <= v_limit then
      v_findings := v_findings || sealog.soc2_finding('retention_exceeded', v_policy.table_name,
        format('the oldest %s row is %s days old; the policy keeps %s (plus %s grace)', v_policy.category,
               round((extract(epoch from p_now - v_oldest) / 86400)::numeric, 1), v_policy.retention, v_policy.grace));
    end if;
  end loop;

  -- The purges' expired days leave their tables detached; this job drops them within the
  -- minute. Without it they would keep their rows on disk.
  v_job := null;
  select * into v_job from sealog.cron_job_states() as j where j.jobname = 'sealog-purge-detached-days';
  if v_job.jobname is null or not v_job.active then
    v_findings := v_findings || sealog.soc2_finding('purge_job_missing', 'sealog-purge-detached-days',
      'no active pg_cron job drops the expired days that the purges detach');
  elsif v_job.last_status = 'failed' then
    v_findings := v_findings || sealog.soc2_finding('purge_job_failed', 'sealog-purge-detached-days',
      'the last run of the job that drops detached expired days failed');
  end if;

  return sealog.soc2_control(
    'data_retention',
    'Data retention: a policy per category, enforced by scheduled purges, oldest rows within policy',
    v_findings,
    jsonb_build_object(
      'policies', v_policies,
      'detached_days_awaiting_drop', (
        select coalesce(jsonb_agg(d::text), '[]') from sealog.detached_days() as d),
      'cron_jobs', (
        select coalesce(jsonb_agg(jsonb_build_object(
                 'job', j.jobname, 'schedule', j.schedule, 'active', j.active,
                 'last_run_status', j.last_status, 'last_run_started_at', j.last_start) order by j.jobname), '[]')
          from sealog.cron_job_states() as j)
    )
  );
end
$$;
comment on function sealog.soc2_data_retention(timestamptz) is 'CC6.1 data retention: every policy with its job, last run, last purge and oldest row; findings for missing or failed purges (the drop of detached expired days included) and rows older than policy plus grace; the detached days awaiting their drop.';

-- Owner (postgres) only.
revoke all on function sealog.cron_job_states() from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_data_retention(timestamptz) from public, anon, authenticated, service_role, sealog_edge;
