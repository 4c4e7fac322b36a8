/**
 * Purge functions: one per data category with a finite retention, run by pg_cron.
 *
 * Each is SECURITY DEFINER with an empty search_path, executable by its owner only (the
 * scheduler's role: postgres, which owns the pg_cron jobs), and takes p_now so that tests can
 * freeze time. Tables that grow with traffic (telemetry, the API access log) are partitioned
 * by day and lose whole expired days (sealog.partitioned_purge), so a run costs the same at
 * any volume; what is deleted row by row (tenants' shorter overrides, stragglers in a default
 * partition, small tables) goes in bounded batches (p_batch_size rows, at most p_max_batches
 * per run), so no run holds many locks or writes an unbounded transaction. lock_timeout keeps a purge from queueing ingest
 * behind it: a step that cannot get its lock within a second is skipped and retried at the
 * next run. Every run writes one sealog.purge_log row; complete = false says it stopped early.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

/** Section - Batched deletion */

create function sealog.delete_in_batches(
  p_table regclass,
  p_key text,
  p_predicate text,
  p_batch_size integer,
  p_max_batches integer,
  out rows_deleted bigint,
  out complete boolean,
  out note text
)
language plpgsql
volatile
set search_path = ''
as $$
declare
  -- p_key and p_predicate are built by the purge functions from constants and %L/%I-quoted
  -- values; no caller outside this file can execute this function.
  v_sql text := format(
    'delete from %s where %s and (%s) in (select %s from %s where %s limit %s)',
    p_table, p_predicate, p_key, p_key, p_table, p_predicate, p_batch_size);
  v_batch bigint;
  v_batches integer := 0;
begin
  rows_deleted := 0;
  complete := false;
  loop
    begin
      execute v_sql;
      get diagnostics v_batch = row_count;
    exception when lock_not_available then
      note := format('%s: rows locked; retried at the next run', p_table);
      return;
    end;
    rows_deleted := rows_deleted + v_batch;
    v_batches := v_batches + 1;
    if v_batch < p_batch_size then
      complete := true;
      return;
    end if;
    if v_batches >= p_max_batches then
      note := format('%s: batch limit reached; continued at the next run', p_table);
      return;
    end if;
  end loop;
end
$$;
comment on function sealog.delete_in_batches(regclass, text, text, integer, integer) is 'Deletes the rows of a table matching a predicate, p_batch_size at a time by key, for at most p_max_batches batches; complete is false when rows remain.';

create function sealog.delete_past_overrides(
  p_category text,
  p_table regclass,
  p_key text,
  p_now timestamptz,
  p_batch_size integer,
  p_max_batches integer,
  p_time_column text default null,
  p_floor text default null,
  out rows_deleted bigint,
  out tenant_overrides bigint,
  out complete boolean,
  out note text
)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_policy sealog.retention_policies;
  v_override record;
  v_step record;
begin
  select * into strict v_policy from sealog.retention_policies where category = p_category;
  rows_deleted := 0;
  tenant_overrides := 0;
  complete := true;
  if v_policy.tenant_overridable then
    -- Each tenant's rows past its shorter retention, found by a tenant-led index, so the cost
    -- is bounded by that tenant's rows. p_floor skips what the caller removes anyway.
    for v_override in
      select o.tenant_id
        from sealog.retention_overrides o
       where o.category = p_category
         and o.retention < v_policy.retention
       order by o.tenant_id
    loop
      select * into v_step
        from sealog.delete_in_batches(
          p_table, p_key,
          concat_ws(' and ', p_floor,
                    format('tenant_id = %L and %I <= %L', v_override.tenant_id,
                           coalesce(p_time_column, v_policy.time_column),
                           sealog.retention_cutoff(p_category, p_now, v_override.tenant_id))),
          p_batch_size, p_max_batches);
      rows_deleted := rows_deleted + v_step.rows_deleted;
      tenant_overrides := tenant_overrides + 1;
      complete := complete and v_step.complete;
      note := nullif(concat_ws('; ', note, v_step.note), '');
    end loop;
  end if;
end
$$;
comment on function sealog.delete_past_overrides(text, regclass, text, timestamptz, integer, integer, text, text) is 'Deletes, in bounded batches, each tenant''s rows of a category past its shorter retention override.';

create function sealog.purge_expired_rows(
  p_category text,
  p_table regclass,
  p_key text,
  p_now timestamptz,
  p_batch_size integer,
  p_max_batches integer,
  p_default_predicate text default null,
  p_time_column text default null,
  out rows_deleted bigint,
  out tenant_overrides bigint,
  out complete boolean,
  out note text
)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_policy sealog.retention_policies;
  v_step record;
begin
  select * into strict v_policy from sealog.retention_policies where category = p_category;
  -- Everyone's rows past the policy (or the caller's own predicate, e.g. a stamped expiry).
  -- A secondary table of the category may measure age by a column of its own.
  select * into v_step
    from sealog.delete_in_batches(
      p_table, p_key,
      coalesce(p_default_predicate,
               format('%I <= %L', coalesce(p_time_column, v_policy.time_column),
                      sealog.retention_cutoff(p_category, p_now))),
      p_batch_size, p_max_batches);
  rows_deleted := v_step.rows_deleted;
  complete := v_step.complete;
  note := v_step.note;

  -- Then each tenant's rows past its shorter retention.
  select * into v_step
    from sealog.delete_past_overrides(p_category, p_table, p_key, p_now, p_batch_size, p_max_batches,
                                       p_time_column);
  rows_deleted := rows_deleted + v_step.rows_deleted;
  tenant_overrides := v_step.tenant_overrides;
  complete := complete and v_step.complete;
  note := nullif(concat_ws('; ', note, v_step.note), '');
end
$$;
comment on function sealog.purge_expired_rows(text, regclass, text, timestamptz, integer, integer, text, text) is 'Deletes a category''s due rows from one table in bounded batches: past the policy for everyone, then past each tenant''s shorter override.';

create function sealog.batched_purge(
  p_category text,
  p_table regclass,
  p_key text,
  p_now timestamptz,
  p_batch_size integer,
  p_max_batches integer,
  p_default_predicate text default null
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_started timestamptz := clock_timestamp();
  v_step record;
begin
  select * into v_step
    from sealog.purge_expired_rows(p_category, p_table, p_key, p_now, p_batch_size, p_max_batches,
                                   p_default_predicate);
  return sealog.record_purge(p_category, p_now, v_started, v_step.rows_deleted, 0,
                             v_step.tenant_overrides, v_step.complete, v_step.note);
end
$$;
comment on function sealog.batched_purge(text, regclass, text, timestamptz, integer, integer, text) is 'The whole run of a category kept in one table: purge_expired_rows, then its purge-log row, returned as the run''s result.';

/** Section - Partitioned categories: whole expired days */

create function sealog.partitioned_purge(
  p_category text,
  p_table regclass,
  p_key text,
  p_now timestamptz,
  p_batch_size integer,
  p_max_batches integer
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_started timestamptz := clock_timestamp();
  v_policy sealog.retention_policies;
  v_cutoff timestamptz := sealog.retention_cutoff(p_category, p_now);
  v_cutoff_day timestamptz := ((v_cutoff at time zone 'utc')::date)::timestamp at time zone 'utc';
  v_default regclass := (p_table::text || '_default')::regclass;
  v_rows bigint := 0;
  v_overrides bigint;
  v_complete boolean := true;
  v_note text;
  v_step record;
begin
  select * into strict v_policy from sealog.retention_policies where category = p_category;
  -- Row deletes first, while ingest runs alongside them (they take row locks only); the
  -- partition drops last, because they lock the parent until this transaction commits,
  -- which must then come at once. Everyone's rows go by whole days only: a row lives until
  -- its UTC day is entirely past the retention, at most one day longer (the policy's grace).

  -- 1. Each tenant's rows past its shorter retention, in the days that step 3 keeps.
  select * into v_step
    from sealog.delete_past_overrides(p_category, p_table, p_key, p_now, p_batch_size, p_max_batches,
                                       p_floor => format('%I >= %L', v_policy.time_column, v_cutoff_day));
  v_rows := v_rows + v_step.rows_deleted;
  v_overrides := v_step.tenant_overrides;
  v_complete := v_complete and v_step.complete;
  v_note := v_step.note;

  -- 2. Stragglers in the default partition (days that never had a partition).
  select * into v_step
    from sealog.delete_in_batches(
      v_default, p_key, format('%I <= %L', v_policy.time_column, v_cutoff), p_batch_size, p_max_batches);
  v_rows := v_rows + v_step.rows_deleted;
  v_complete := v_complete and v_step.complete;
  v_note := nullif(concat_ws('; ', v_note, v_step.note), '');

  -- 3. Whole days at or before the cutoff, whatever their size.
  select * into v_step from sealog.drop_expired_partitions(p_table, v_cutoff);
  v_complete := v_complete and v_step.complete;
  v_note := nullif(concat_ws('; ', v_note, v_step.note), '');

  return sealog.record_purge(p_category, p_now, v_started, v_rows, v_step.partitions_dropped, v_overrides,
                             v_complete, v_note);
end
$$;
comment on function sealog.partitioned_purge(text, regclass, text, timestamptz, integer, integer) is 'The whole run of a day-partitioned category: tenants'' rows past their shorter retention and default-partition stragglers in batches, then whole expired days dropped, then its purge-log row.';

create function sealog.purge_telemetry(
  p_now timestamptz default now(),
  p_batch_size integer default 5000,
  p_max_batches integer default 200
)
returns jsonb
language sql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
  select sealog.partitioned_purge(
    'telemetry', 'sealog.llm_request_logs', 'tenant_id, occurred_at, event_id', p_now, p_batch_size, p_max_batches)
    -- Operands run left to right: the rollups' expired buckets go after the raw rows' deletes.
    || jsonb_build_object('usage_rollup_rows_deleted', sealog.purge_usage_rollups(p_now))
$$;
comment on function sealog.purge_telemetry(timestamptz, integer, integer) is 'Purges telemetry: drops whole daily partitions past 90 days, and deletes tenants'' rows past their shorter retention and stragglers in batches; then the usage rollups'' expired buckets.';

create function sealog.purge_api_access_log(
  p_now timestamptz default now(),
  p_batch_size integer default 5000,
  p_max_batches integer default 200
)
returns jsonb
language sql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
  select sealog.partitioned_purge(
    'api_access_logs', 'sealog.api_access_log', 'log_id, received_at', p_now, p_batch_size, p_max_batches)
$$;
comment on function sealog.purge_api_access_log(timestamptz, integer, integer) is 'Purges the API access log: drops whole daily partitions past 90 days, and deletes tenants'' rows past their shorter retention and stragglers in batches.';

/** Section - Batched categories */

create function sealog.purge_session_state(
  p_now timestamptz default now(),
  p_batch_size integer default 5000,
  p_max_batches integer default 200
)
returns jsonb
language sql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
  -- Sessions carry their own expiry (expires_at, stamped by ingest at the policy's 24 hours
  -- after the last activity), which the expires_at index finds without a scan; tenants with
  -- a shorter retention lose theirs by last_activity_at.
  select sealog.batched_purge(
    'session_state', 'sealog.session_state', 'tenant_id, session_id', p_now, p_batch_size, p_max_batches,
    format('expires_at <= %L', p_now))
$$;
comment on function sealog.purge_session_state(timestamptz, integer, integer) is 'Deletes expired session state (24 hours after the last activity, or a tenant''s shorter override) in bounded batches.';

create function sealog.purge_ephemeral(
  p_now timestamptz default now(),
  p_batch_size integer default 5000,
  p_max_batches integer default 200
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
declare
  v_started timestamptz := clock_timestamp();
  v_buckets record;
  v_tasks record;
begin
  select * into v_buckets
    from sealog.purge_expired_rows(
      'ephemeral', 'sealog.rate_limit_buckets', 'tenant_id, shard', p_now, p_batch_size, p_max_batches);
  -- Erasure-outbox tasks for external processors, once completed (their processor ids are
  -- already cleared; the deletion request keeps its receipt). Pending and failed tasks are
  -- work still to do and are never purged.
  select * into v_tasks
    from sealog.purge_expired_rows(
      'ephemeral', 'sealog.erasure_outbox', 'task_id', p_now, p_batch_size, p_max_batches,
      format('state = %L and finished_at <= %L', 'completed', sealog.retention_cutoff('ephemeral', p_now)));
  return sealog.record_purge(
    'ephemeral', p_now, v_started, v_buckets.rows_deleted + v_tasks.rows_deleted, 0, 0,
    v_buckets.complete and v_tasks.complete,
    nullif(concat_ws('; ', v_buckets.note, v_tasks.note), ''));
end
$$;
comment on function sealog.purge_ephemeral(timestamptz, integer, integer) is 'Deletes working state no longer needed: rate-limit buckets idle for a week and erasure tasks completed a week ago.';

create function sealog.purge_cron_history(
  p_now timestamptz default now(),
  p_batch_size integer default 5000,
  p_max_batches integer default 200
)
returns jsonb
language sql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
  select sealog.batched_purge(
    'cron_history', 'cron.job_run_details', 'runid', p_now, p_batch_size, p_max_batches)
$$;
comment on function sealog.purge_cron_history(timestamptz, integer, integer) is 'Deletes pg_cron run history (cron.job_run_details) older than 14 days in bounded batches.';

create function sealog.purge_purge_log(
  p_now timestamptz default now(),
  p_batch_size integer default 5000,
  p_max_batches integer default 200
)
returns jsonb
language sql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
  select sealog.batched_purge(
    'purge_log', 'sealog.purge_log', 'purge_id', p_now, p_batch_size, p_max_batches)
$$;
comment on function sealog.purge_purge_log(timestamptz, integer, integer) is 'Deletes purge-log rows older than one year in bounded batches (this run''s own row is new).';

/** Section - Grants: the scheduler (owner) only */

revoke all on function sealog.delete_in_batches(regclass, text, text, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.delete_past_overrides(text, regclass, text, timestamptz, integer, integer, text, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_expired_rows(text, regclass, text, timestamptz, integer, integer, text, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.partitioned_purge(text, regclass, text, timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.batched_purge(text, regclass, text, timestamptz, integer, integer, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_telemetry(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_api_access_log(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_session_state(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_ephemeral(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_cron_history(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_purge_log(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
