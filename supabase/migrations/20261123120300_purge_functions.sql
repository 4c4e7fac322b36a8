/**
 * Purge functions: one per data category with a finite retention, run by pg_cron.
 *
 * Each is SECURITY DEFINER with an empty search_path, executable by its owner only (the
 * scheduler's role: postgres, which owns the pg_cron jobs), and takes p_now so that tests can
 * freeze time. Tables that grow with traffic (telemetry, the API access log, auth events and
 * hook deliveries) are partitioned by day and purged hourly (sealog.partitioned_purge): whole
 * expired days are detached, whatever they hold (and dropped apart, within the minute, by
 * sealog.purge_detached_days), and the rest past the policy (the boundary day's expired hours,
 * tenants' shorter overrides, default-partition stragglers) is deleted without a cap, so one
 * run leaves no row past the cutoff in its table at any volume; the boundary day's hours and
 * the stragglers go in paced slices that take at most a tenth of a core
 * (sealog.delete_in_slices). Small tables go in bounded batches (p_batch_size rows, at most
 * p_max_batches per run). lock_timeout keeps a purge from queueing ingest behind it: a step
 * that cannot get its lock within a second is skipped and retried at the next run. Every run
 * writes one sealog.purge_log row; complete = false says it stopped early.
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
  if p_max_batches is null then
    -- No cap (the partitioned categories, whose rows past the policy are bounded by time):
    -- one statement deletes every matching row.
    begin
      execute format('delete from %s where %s', p_table, p_predicate);
      get diagnostics rows_deleted = row_count;
      complete := true;
    exception when lock_not_available then
      note := format('%s: rows locked; retried at the next run', p_table);
    end;
    return;
  end if;
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
comment on function sealog.delete_in_batches(regclass, text, text, integer, integer) is 'Deletes the rows of a table matching a predicate, p_batch_size at a time by key, for at most p_max_batches batches (complete is false when rows remain); with p_max_batches null, all of them in one statement.';

create function sealog.delete_in_slices(
  p_partition regclass,
  p_predicate text,
  out rows_deleted bigint,
  out slices integer,
  out complete boolean,
  out note text
)
language plpgsql
volatile
set search_path = ''
as $$
declare
  -- Eight pages a slice (a few hundred rows: 0.3 ms of CPU on an idle database, more with the
  -- full-page images after a checkpoint), and after each a pause nine times as long as the
  -- slice took: the delete takes at most a tenth of one core, in turns short enough that the
  -- requests in flight beside it barely wait (docs/performance.md).
  c_pages constant integer := 8;
  c_pause_per_busy constant numeric := 9;
  v_first bigint;
  v_last bigint;
  v_block bigint;
  v_count bigint;
  v_started timestamptz;
begin
  rows_deleted := 0;
  slices := 0;
  complete := true;
  begin
    -- The pages that hold matching rows, in one pass by the index the delete would use. A
    -- day's rows lie in the order they arrived, so its expired hours fill its first pages,
    -- and slices by page range (a TID range scan each) read every page once: slices by row
    -- count would read the rows already deleted again at each slice.
    -- p_predicate is built by the purge functions from constants and %L/%I-quoted values; no
    -- caller outside this file can execute this function.
    execute format('select (min(ctid)::text::point)[0]::bigint, (max(ctid)::text::point)[0]::bigint from %s where %s',
                   p_partition, p_predicate)
       into v_first, v_last;
    v_block := v_first;
    while v_block <= v_last loop
      v_started := pg_catalog.clock_timestamp();
      execute format('delete from %s where ctid >= $1 and ctid < $2 and (%s)', p_partition, p_predicate)
        using format('(%s,0)', v_block)::tid, format('(%s,0)', v_block + c_pages)::tid;
      get diagnostics v_count = row_count;
      rows_deleted := rows_deleted + v_count;
      slices := slices + 1;
      v_block := v_block + c_pages;
      if v_block <= v_last then
        perform pg_catalog.pg_sleep(c_pause_per_busy
                                    * extract(epoch from pg_catalog.clock_timestamp() - v_started));
      end if;
    end loop;
  exception when lock_not_available then
    -- Undoes this table's slices; its rows go at the next run.
    rows_deleted := 0;
    complete := false;
    note := format('%s: rows locked; retried at the next run', p_partition);
  end;
end
$$;
comment on function sealog.delete_in_slices(regclass, text) is 'Deletes the rows of one table (a partition) matching a predicate, without a cap, in slices of eight pages between the first and the last page holding such rows, each followed by a pause nine times its own length, so the delete takes at most a tenth of a core; slices counts them. All or none: complete is false, and nothing is deleted, when a lock was not available.';

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

/** Section - Partitioned categories: whole expired days, then the boundary day's expired hours */

-- The boundary delete finds the expired hours of one day by time; a BRIN index is enough
-- for rows stored in time order and costs ingest next to nothing. autosummarize has
-- autovacuum summarize each filled range (an unsummarized range matches every query). (The
-- API access log and the auth tables have B-tree indexes on their time columns already.)
-- CONCURRENTLY cannot run inside the transaction `supabase db push` wraps each file in, and
-- the table ships empty in this same release, so a plain index blocks nothing.
-- squawk-ignore require-concurrent-index-creation
create index llm_request_logs_occurred_at_brin_idx on sealog.llm_request_logs using brin (occurred_at)
  with (autosummarize = on);

create function sealog.delete_expired_partitioned_rows(
  p_category text,
  p_table regclass,
  p_now timestamptz,
  p_time_column text default null,
  p_max_days integer default null,
  out rows_deleted bigint,
  out parent_rows_deleted bigint,
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
  v_column text;
  v_at_cutoff boolean;
  v_cutoff timestamptz := sealog.retention_cutoff(p_category, p_now);
  v_cutoff_day timestamptz := pg_catalog.date_trunc('day', v_cutoff, 'UTC');
  v_default regclass := (p_table::text || '_default')::regclass;
  v_boundary regclass;
  v_step record;
begin
  select * into strict v_policy from sealog.retention_policies where category = p_category;
  v_column := coalesce(p_time_column, v_policy.time_column);
  -- A day step of the job (p_max_days > 0) only detaches: the job's first call (0) deleted
  -- these rows, and looking again cost each step 1 to 7 ms (bench).
  if p_max_days > 0 then
    rows_deleted := 0;
    parent_rows_deleted := 0;
    tenant_overrides := 0;
    complete := true;
    return;
  end if;
  -- Every row past the policy goes in this run, without a cap: what is deleted row by row is
  -- bounded by time (the boundary day's expired hours, about one hour of rows when the purge
  -- runs hourly), not by a count that traffic could outgrow. Whole expired days are left to
  -- sealog.detach_expired_partitions, which the caller runs last.

  -- 1. Each tenant's rows past its shorter retention, in the hours that stay for everyone,
  --    by the tenant-led index on (tenant_id, time): bounded by that tenant's rows.
  select * into v_step
    from sealog.delete_past_overrides(p_category, p_table, null, p_now, null, null, v_column,
                                       format('%I > %L', v_column, v_cutoff));
  rows_deleted := v_step.rows_deleted;
  parent_rows_deleted := v_step.rows_deleted;
  tenant_overrides := v_step.tenant_overrides;
  complete := v_step.complete;
  note := v_step.note;

  -- 2. The boundary day's rows before the cutoff (the day itself is kept), from its partition
  --    directly, in paced slices (an hour of rows, or most of a day in a catch-up). A statement
  --    on a partition fires none of the parent's statement triggers, so telemetry's usage
  --    trigger does not aggregate these rows (about 15 us a row) into negative deltas that the
  --    purge would delete at once: their 15-minute buckets have expired, and the rollups' own
  --    purge deletes the blocks that held them.
  v_boundary := to_regclass(format('%s_p%s', p_table, to_char(v_cutoff_day at time zone 'UTC', 'YYYYMMDD')));
  if v_boundary is not null then
    select * into v_step
      from sealog.delete_in_slices(v_boundary, format('%I < %L', v_column, v_cutoff));
    rows_deleted := rows_deleted + v_step.rows_deleted;
    complete := complete and v_step.complete;
    note := nullif(concat_ws('; ', note, v_step.note), '');
  end if;

  -- 3. Rows exactly at the cutoff, through the parent: their bucket starts there and has not
  --    expired, so their negative deltas must reach it. Looked for first where they can be
  --    (the boundary day's partition, else the default): a statement on the parent fires its
  --    statement triggers even when it matches nothing, and telemetry's then plans its
  --    aggregate (about 4 ms of CPU a run, next to ingest). One that arrives after the look
  --    is past the next run's cutoff, so step 2 deletes it then, which is also why a look
  --    that cannot get its lock in time (a DBA's or a test's lock on the partition) gives way
  --    rather than failing the run.
  begin
    execute format('select exists (select from %s where %I = $1) or exists (select from %s where %I = $1)',
                   coalesce(v_boundary, v_default), v_column, v_default, v_column)
       into v_at_cutoff
      using v_cutoff;
  exception when lock_not_available then
    v_at_cutoff := false;
    complete := false;
    note := nullif(concat_ws('; ', note,
                             format('%s: locked; rows at the cutoff deleted at the next run', p_table)), '');
  end;
  if v_at_cutoff then
    select * into v_step
      from sealog.delete_in_batches(p_table, null, format('%I = %L', v_column, v_cutoff), null, null);
    rows_deleted := rows_deleted + v_step.rows_deleted;
    parent_rows_deleted := parent_rows_deleted + v_step.rows_deleted;
    complete := complete and v_step.complete;
    note := nullif(concat_ws('; ', note, v_step.note), '');
  end if;

  -- 4. Stragglers in the default partition before the cutoff (days without a partition, the
  --    boundary day's included), directly, as in step 2.
  select * into v_step
    from sealog.delete_in_slices(v_default, format('%I < %L', v_column, v_cutoff));
  rows_deleted := rows_deleted + v_step.rows_deleted;
  complete := complete and v_step.complete;
  note := nullif(concat_ws('; ', note, v_step.note), '');
end
$$;
comment on function sealog.delete_expired_partitioned_rows(text, regclass, timestamptz, text, integer) is 'Deletes, without a cap, a day-partitioned table''s rows past the policy that no whole-day drop removes: tenants'' rows past their shorter override, the boundary day''s expired hours and default-partition stragglers; parent_rows_deleted counts those deleted through the parent, which fire its statement triggers. With p_max_days > 0 (a day step of the purge job, whose first call deleted them) it deletes nothing.';

create function sealog.finish_partitioned_purge(
  p_category text,
  p_table regclass,
  p_now timestamptz,
  p_started timestamptz,
  p_rows_deleted bigint,
  p_tenant_overrides bigint,
  p_complete boolean,
  p_note text,
  p_max_days integer default null
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_drops record;
begin
  -- The expired days are detached last: a detach locks the parent until this transaction
  -- commits, which must then come at once (their drops come after it, in
  -- sealog.purge_detached_days).
  select * into v_drops
    from sealog.detach_expired_partitions(p_table, sealog.retention_cutoff(p_category, p_now), p_max_days);
  return sealog.record_purge(p_category, p_now, p_started, p_rows_deleted, v_drops.partitions_dropped,
                             p_tenant_overrides, p_complete and v_drops.complete,
                             nullif(concat_ws('; ', p_note, v_drops.note), ''))
         || jsonb_build_object('partitions_left', v_drops.partitions_left);
end
$$;
comment on function sealog.finish_partitioned_purge(text, regclass, timestamptz, timestamptz, bigint, bigint, boolean, text, integer) is 'The end of a day-partitioned category''s run, once its rows are deleted (the figures of delete_expired_partitioned_rows): whole expired days detached (the oldest p_max_days, all when null), then its purge-log row, returned as the run''s result with partitions_left.';

create function sealog.partitioned_purge(
  p_category text,
  p_table regclass,
  p_now timestamptz,
  p_max_days integer default null
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_started timestamptz := clock_timestamp();
  v_rows record;
begin
  -- Row deletes first, while ingest runs alongside them (they take row locks only).
  select * into v_rows from sealog.delete_expired_partitioned_rows(p_category, p_table, p_now, null, p_max_days);
  return sealog.finish_partitioned_purge(p_category, p_table, p_now, v_started, v_rows.rows_deleted,
                                         v_rows.tenant_overrides, v_rows.complete, v_rows.note,
                                         p_max_days);
end
$$;
comment on function sealog.partitioned_purge(text, regclass, timestamptz, integer) is 'The whole run of a day-partitioned category kept in one table: delete_expired_partitioned_rows, then finish_partitioned_purge (whole expired days detached, its purge-log row).';

create function sealog.purge_telemetry(p_now timestamptz default now(), p_max_days integer default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
declare
  v_started timestamptz := clock_timestamp();
  v_rows record;
  v_deltas bigint;
begin
  select * into v_rows
    from sealog.delete_expired_partitioned_rows('telemetry', 'sealog.llm_request_logs', p_now, null, p_max_days);
  -- The raw deletes above that go through the parent (shorter tenant retentions, rows at the
  -- cutoff) append negative deltas: those of expired buckets go now, before the detaches take
  -- the parent's lock. Only when there were such deletes: this reads the whole delta queue (a
  -- minute of ingest, 3 to 14 ms of CPU under load), and no other step of the run appends to
  -- it. The rollups' expired buckets go in a job of their own (sealog-purge-usage-rollups):
  -- deleting them reads both rollup tables, and under the parent's lock they stalled ingest for
  -- 1.3 to 1.6 s (docs/performance.md).
  -- The fold holds the deltas it folds: when it holds them past the lock timeout, this gives
  -- way, and those it folds land in expired blocks, which the rollups' purge deletes.
  v_deltas := 0;
  begin
    if v_rows.parent_rows_deleted > 0 then
      v_deltas := sealog.delete_expired_usage_deltas(p_now);
    end if;
  exception when lock_not_available then
    v_rows.complete := false;
    v_rows.note := concat_ws('; ', v_rows.note,
                             'sealog.usage_deltas: locked by the fold, whose expired blocks the rollups'' purge deletes');
  end;
  return sealog.finish_partitioned_purge('telemetry', 'sealog.llm_request_logs', p_now, v_started,
                                         v_rows.rows_deleted, v_rows.tenant_overrides, v_rows.complete,
                                         v_rows.note, p_max_days)
         || jsonb_build_object('usage_delta_rows_deleted', v_deltas);
end
$$;
comment on function sealog.purge_telemetry(timestamptz, integer) is 'Purges telemetry, hourly: deletes the boundary day''s expired hours, tenants'' rows past their shorter retention and stragglers, then the usage deltas of expired buckets (the rollups go in sealog-purge-usage-rollups), then detaches whole daily partitions past 90 days, the oldest p_max_days of them (all when null; with p_max_days above 0, no row deletes; its job: one day per transaction), dropped by sealog-purge-detached-days.';

create function sealog.purge_api_access_log(p_now timestamptz default now(), p_max_days integer default null)
returns jsonb
language sql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
  select sealog.partitioned_purge('api_access_logs', 'sealog.api_access_log', p_now, p_max_days)
$$;
comment on function sealog.purge_api_access_log(timestamptz, integer) is 'Purges the API access log, hourly: deletes the boundary day''s expired hours, tenants'' rows past their shorter retention and stragglers, then detaches whole daily partitions past 90 days, the oldest p_max_days of them (all when null; with p_max_days above 0, no row deletes; its job: one day per transaction), dropped by sealog-purge-detached-days.';

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
revoke all on function sealog.delete_in_slices(regclass, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.delete_past_overrides(text, regclass, text, timestamptz, integer, integer, text, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_expired_rows(text, regclass, text, timestamptz, integer, integer, text, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.delete_expired_partitioned_rows(text, regclass, timestamptz, text, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.finish_partitioned_purge(text, regclass, timestamptz, timestamptz, bigint, bigint, boolean, text, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.partitioned_purge(text, regclass, timestamptz, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.batched_purge(text, regclass, text, timestamptz, integer, integer, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_telemetry(timestamptz, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_api_access_log(timestamptz, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_session_state(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_ephemeral(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_cron_history(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_purge_log(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;
