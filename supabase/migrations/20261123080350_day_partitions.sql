/**
 * Daily partitions: the one maintenance mechanism of every time-partitioned table.
 *
 * A table that grows with traffic is range-partitioned by a timestamptz column with one
 * partition per UTC day (<table>_pYYYYMMDD) and a default partition (<table>_default) that
 * catches days without one, both created here with RLS, no grants and the parent's
 * classification. sealog.maintain_partitions() finds every such table in the
 * catalog, so a new one needs no registration: it creates each day from p_days_back ago to
 * p_days_ahead ahead (ingest never fails at midnight; late rows land in their own day) and
 * drains matching rows out of the default. sealog.detach_expired_partitions() is the purge's
 * half: it takes whole days out of their table, so expiry costs the same whatever the rows,
 * and sealog.purge_detached_days() drops them in a transaction of their own, apart from the
 * parent's lock.
 *
 * Our own rather than pg_partman: Debian packages pg_partman 4.7.2, hosted Supabase ships
 * 5.x, whose API changed (docs/retention.md); this is a few statements on both.
 */

/** Section - Creating days ahead */

create function sealog.secure_partition(p_partition regclass, p_comment text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  -- Partitions are read through their parent; no role reads one directly.
  execute format('alter table %s enable row level security', p_partition);
  execute format('alter table %s force row level security', p_partition);
  execute format('revoke all on table %s from public, anon, authenticated, service_role', p_partition);
  execute format('create policy %I on %s for select to service_role using (false)',
                 (select relname from pg_catalog.pg_class where oid = p_partition) || '_select_policy', p_partition);
  execute format('comment on table %s is %L', p_partition, p_comment);
end
$$;
comment on function sealog.secure_partition(regclass, text) is 'Gives a new partition RLS (forced), no grants, a select policy that admits no row and its classification comment.';

create function sealog.create_day_partitions(
  p_parent regclass,
  p_now timestamptz,
  p_days_ahead integer,
  p_days_back integer
)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_schema text;
  v_table text;
  v_column text;
  v_class text;
  v_day date;
  v_name text;
  v_from timestamptz;
  v_to timestamptz;
  v_columns text;
  v_created integer := 0;
begin
  select n.nspname, c.relname, a.attname,
         split_part(pg_catalog.obj_description(c.oid, 'pg_class'), '.', 1)
    into strict v_schema, v_table, v_column, v_class
    from pg_catalog.pg_partitioned_table p
    join pg_catalog.pg_class c on c.oid = p.partrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = p.partattrs[0]
   where p.partrelid = p_parent
     and p.partstrat = 'r';
  -- The columns a row carries (a stored generated column is computed again by its new day).
  select string_agg(format('%I', a.attname), ', ' order by a.attnum)
    into v_columns
    from pg_catalog.pg_attribute a
   where a.attrelid = p_parent
     and a.attnum > 0
     and not a.attisdropped
     and a.attgenerated = '';
  -- The default partition (<table>_default) catches rows for days without a partition.
  if to_regclass(format('%I.%I', v_schema, v_table || '_default')) is null then
    execute format('create table %I.%I partition of %s default', v_schema, v_table || '_default', p_parent);
    perform sealog.secure_partition(format('%I.%I', v_schema, v_table || '_default')::regclass,
      format('%s. Default partition of %s for days without their own partition; drained by partition maintenance.',
             v_class, v_table));
  end if;
  for v_day in
    select d::date
      from generate_series((p_now at time zone 'utc')::date - p_days_back,
                           (p_now at time zone 'utc')::date + p_days_ahead,
                           interval '1 day') as d
  loop
    v_name := v_table || '_p' || to_char(v_day, 'YYYYMMDD');
    continue when to_regclass(format('%I.%I', v_schema, v_name)) is not null;
    v_from := v_day::timestamp at time zone 'utc';
    v_to := (v_day + 1)::timestamp at time zone 'utc';
    begin
      -- Never block ingest for long: give up on a busy lock and retry at the next run.
      perform set_config('lock_timeout', '3s', true);
      execute format('create table %I.%I (like %s including defaults including constraints including generated)',
                     v_schema, v_name, p_parent);
      execute format(
        'with moved as (delete from %I.%I where %I >= %L and %I < %L returning *)
         insert into %I.%I (%s) select %s from moved',
        v_schema, v_table || '_default', v_column, v_from, v_column, v_to, v_schema, v_name, v_columns, v_columns);
      execute format('alter table %s attach partition %I.%I for values from (%L) to (%L)', p_parent, v_schema, v_name, v_from, v_to);
      perform sealog.secure_partition(format('%I.%I', v_schema, v_name)::regclass,
        format('%s. Partition of %s for %s (UTC).', v_class, v_table, v_day));
      v_created := v_created + 1;
    exception when lock_not_available then
      raise notice 'partition % skipped: lock not available; retried at the next run', v_name;
      exit;
    end;
  end loop;
  return v_created;
end
$$;
comment on function sealog.create_day_partitions(regclass, timestamptz, integer, integer) is 'Creates the missing daily partitions of one range-partitioned table (and its default partition, once), from p_days_back days ago to p_days_ahead ahead, draining matching rows out of the default partition; returns how many days it created.';

create function sealog.maintain_partitions(
  p_now timestamptz default now(),
  p_days_ahead integer default 7,
  p_days_back integer default 90
)
returns integer
language sql
security definer
set search_path = ''
as $$
  -- Every range-partitioned table of the sealog schema, found in the catalog.
  select coalesce(sum(sealog.create_day_partitions(p.partrelid::regclass, p_now, p_days_ahead, p_days_back)), 0)::integer
    from pg_catalog.pg_partitioned_table p
    join pg_catalog.pg_class c on c.oid = p.partrelid
   where c.relnamespace = 'sealog'::regnamespace
     and p.partstrat = 'r'
$$;
comment on function sealog.maintain_partitions(timestamptz, integer, integer) is 'Creates the missing daily partitions of every time-partitioned sealog table (pg_cron, daily); returns how many it created.';

/** Section - Dropping expired days */

create function sealog.detach_expired_partitions(
  p_parent regclass,
  p_cutoff timestamptz,
  p_max_days integer default null,
  out partitions_dropped bigint,
  out partitions_left bigint,
  out complete boolean,
  out note text
)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_days regclass[];
  v_day regclass;
  v_waiting_for regclass;
begin
  partitions_dropped := 0;
  complete := true;
  -- Every day whose upper bound is at or before the cutoff: all its rows are due, so expiry
  -- costs the same whatever the day holds and leaves no bloat. The day is detached here and
  -- renamed <day>_expired; sealog.purge_detached_days drops it in a transaction of its own.
  -- Dropping it here would unlink its files at this transaction's commit (about 10 ms per
  -- 20 MB on our machines) while the detach still holds the parent's lock, which every insert
  -- needs: ingest stalled for the whole unlink. Callers detach last. The bounds are read with
  -- no relation (pg_get_expr(..., 0)): given the partition, pg_get_expr would lock it, so a
  -- lock held on any day, expired or not, would fail the listing and so the whole run.
  -- Deparsing a bound costs about 25 us, and every run listed every day (5 ms of CPU a run on
  -- 110 days, most of an hourly run, beside ingest): a day that sealog.create_day_partitions
  -- made (<table>_pYYYYMMDD, bounds from that name) and that by its name ends after the cutoff
  -- is passed over unread. Any other partition, and every day its name says is past, is judged
  -- by its bound itself, so a name never detaches a day that is not past the cutoff.
  select coalesce(array_agg(d.partition order by d.upper_bound), '{}')
    into v_days
    from (select k.oid::regclass as partition,
                 substring(pg_catalog.pg_get_expr(k.relpartbound, 0) from 'TO \(''([^'']+)''\)')::timestamptz as upper_bound
            from (select c.oid, c.relname, c.relpartbound
                    from pg_catalog.pg_inherits i
                    join pg_catalog.pg_class c on c.oid = i.inhrelid
                    join pg_catalog.pg_partitioned_table p on p.partrelid = i.inhparent
                   where i.inhparent = p_parent
                     and c.oid <> p.partdefid
                  -- offset 0 keeps the parent's children listed first: with the name test
                  -- below in the same query, the planner read all of pg_class (4 ms).
                  offset 0) as k
           -- A name's day ends at or before the cutoff when it is at or before the cutoff's
           -- day less one (8 digits compare as dates do, and never fail to parse).
           where k.relname !~ '_p[0-9]{8}$'
              or right(k.relname, 8) <= pg_catalog.to_char((p_cutoff - interval '1 day') at time zone 'UTC', 'YYYYMMDD')
          -- offset 0 again: each bound left is deparsed once, not again in the filter below.
          offset 0) as d
   where d.upper_bound <= p_cutoff;
  -- The oldest p_max_days of them (all when null); the rest are partitions_left. The jobs
  -- detach one day per transaction (sealog.one_day_per_transaction): a detach holds the
  -- parent's lock until commit, so a catch-up of many days would otherwise stall ingest for
  -- all of them at once.
  partitions_left := coalesce(cardinality(v_days), 0);
  v_days := v_days[1:coalesce(p_max_days, partitions_left)];
  begin
    -- Each day's own lock first, before the parent's: a vacuum of an old day (autovacuum gives
    -- way only after deadlock_timeout, an anti-wraparound one never) is waited for while ingest
    -- still runs, not with the parent locked by an earlier detach. Every lock is waited for at
    -- most 500 ms, under deadlock_timeout (1 s): a read that holds the parent and then asks for
    -- a day this run holds would make a deadlock, and this run gives way first. Giving way
    -- undoes the block, every lock and detach of it, and the days go at the next run.
    perform pg_catalog.set_config('lock_timeout', '500ms', true);
    foreach v_day in array v_days loop
      v_waiting_for := v_day;
      execute format('lock table %s in access exclusive mode', v_day);
    end loop;
    foreach v_day in array v_days loop
      v_waiting_for := p_parent;
      execute format('alter table %s detach partition %s', p_parent, v_day);
      execute format('alter table %s rename to %I', v_day,
                     (select c.relname from pg_catalog.pg_class c where c.oid = v_day) || '_expired');
      partitions_dropped := partitions_dropped + 1;
      partitions_left := partitions_left - 1;
    end loop;
  exception when lock_not_available or deadlock_detected then
    partitions_left := partitions_left + partitions_dropped;
    partitions_dropped := 0;
    complete := false;
    note := format('%s: lock not available; retried at the next run', v_waiting_for);
    return;
  end;
  if partitions_left > 0 then
    note := format('%s: %s expired days left for the next transaction', p_parent, partitions_left);
  end if;
end
$$;
comment on function sealog.detach_expired_partitions(regclass, timestamptz, integer) is 'Detaches the daily partitions of a table whose whole day is at or before the cutoff, the oldest p_max_days of them (all when null), renamed <day>_expired for sealog.purge_detached_days to drop; partitions_dropped counts them, partitions_left the expired days still attached; all or none: complete is false, and none is detached, when a lock was not available within 500 ms.';

create function sealog.detached_days()
returns setof text
language sql
stable
set search_path = ''
as $$
  -- By the name sealog.detach_expired_partitions gives them: no other code names a table
  -- <table>_pYYYYMMDD_expired. As names, not oids: a day another run drops in the meantime
  -- is then a name that no longer resolves, not an oid printed as a bare number.
  select format('sealog.%I', c.relname)
    from pg_catalog.pg_class c
   where c.relnamespace = 'sealog'::regnamespace
     and c.relkind = 'r'
     and not c.relispartition
     and c.relname ~ '_p[0-9]{8}_expired$'
   order by c.relname
$$;
comment on function sealog.detached_days() is 'The expired days that the purges detached from their tables and sealog.purge_detached_days has not dropped yet.';

create function sealog.purge_detached_days(p_max_days integer default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
declare
  v_days text[] := array(select sealog.detached_days());
  v_day text;
  v_dropped integer := 0;
begin
  -- The drop locks the detached day alone, so nothing waits on its lock (no role reads a
  -- partition directly). Its commit truncates the day's files, and ingest's commits waited
  -- behind 44 days' truncation in the bench (docs/performance.md): the job drops one day per
  -- transaction (sealog.one_day_per_transaction). A day left by a failed run goes at the next.
  foreach v_day in array v_days loop
    exit when v_dropped >= p_max_days;
    begin
      execute format('drop table if exists %s', v_day);
      v_dropped := v_dropped + 1;
    exception when lock_not_available then
      raise notice '%: lock not available; dropped at the next run', v_day;
    end;
  end loop;
  return jsonb_build_object('partitions_dropped', v_dropped,
                            'partitions_left', cardinality(v_days) - v_dropped);
end
$$;
comment on function sealog.purge_detached_days(integer) is 'Drops the expired days that the purges detached (sealog.detach_expired_partitions), at most p_max_days of them (all when null), in this transaction apart from the detach; returns partitions_dropped and partitions_left (those still to drop). Run every minute by pg_cron (sealog-purge-detached-days), one day per transaction.';

create function sealog.one_day_per_transaction(p_step regproc, p_now timestamptz default null)
returns text
language sql
stable
set search_path = ''
as $$
  -- A DO block, not a procedure: a procedure that commits may have no SET clause, and every
  -- function of ours pins search_path. Its first call (p_max_days => 0) runs the row deletes
  -- and detaches nothing, so their WAL is flushed at a commit that holds no parent's lock; then
  -- one call a day (p_max_days => 1, which deletes no rows), each committed, until no expired
  -- day is left, or a step removed none (a lock it could not get: the rest go at the next run,
  -- not in a loop that waits for the lock again). p_now freezes the purge's time (tests); the
  -- jobs leave it out, so each step purges as of its own transaction's start.
  select format('do $job$ declare v_step jsonb := %1$s(%2$sp_max_days => 0); begin '
                'while (v_step ->> ''partitions_left'')::integer > 0 loop commit; '
                'v_step := %1$s(%2$sp_max_days => 1); '
                'exit when (v_step ->> ''partitions_dropped'')::integer = 0; end loop; end $job$',
                p_step, case when p_now is not null then format('p_now => %L, ', p_now) end)
$$;
comment on function sealog.one_day_per_transaction(regproc, timestamptz) is 'The pg_cron command of a job that detaches or drops expired days: calls the step function with p_max_days => 0 (its row deletes alone), then with p_max_days => 1 (one day, no row deletes; and p_now, when given), committing after each call, until no expired day is left or a step removed none. A detach holds its parent''s lock until commit and a drop''s commit truncates the day''s files, so a catch-up of many days stalls ingest for one day at a time, and never for the flush of the row deletes'' WAL.';

revoke all on function sealog.secure_partition(regclass, text) from public, anon, authenticated, service_role;
revoke all on function sealog.create_day_partitions(regclass, timestamptz, integer, integer) from public, anon, authenticated, service_role;
revoke all on function sealog.maintain_partitions(timestamptz, integer, integer) from public, anon, authenticated, service_role;
revoke all on function sealog.detach_expired_partitions(regclass, timestamptz, integer) from public, anon, authenticated, service_role;
revoke all on function sealog.detached_days() from public, anon, authenticated, service_role;
revoke all on function sealog.purge_detached_days(integer) from public, anon, authenticated, service_role;
revoke all on function sealog.one_day_per_transaction(regproc, timestamptz) from public, anon, authenticated, service_role;

-- Daily, UTC, before the purges. cron.schedule upserts by name, so re-running this is harmless.
-- Each table's own migration creates its first days with sealog.create_day_partitions.
select cron.schedule('sealog-partitions', '5 0 * * *', 'select sealog.maintain_partitions()');
-- Every minute: a purge's detached days are dropped within a minute of its commit, and the
-- run costs one catalog scan when there are none.
select cron.schedule('sealog-purge-detached-days', '* * * * *',
                     sealog.one_day_per_transaction('sealog.purge_detached_days'));
