/**
 * Telemetry partition maintenance: one partition per UTC day, created at least 7 days
 * ahead (so ingest never fails at midnight) and back over the whole retention window
 * (so late events land in their own day). Rows that reached the default partition are
 * drained into the new day's partition when it is created.
 */

create function sealog.maintain_telemetry_partitions(
  p_now timestamptz default now(),
  p_days_ahead integer default 7,
  p_days_back integer default 90
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_day date;
  v_name text;
  v_from timestamptz;
  v_to timestamptz;
  v_created integer := 0;
begin
  for v_day in
    select d::date
      from generate_series((p_now at time zone 'utc')::date - p_days_back,
                           (p_now at time zone 'utc')::date + p_days_ahead,
                           interval '1 day') as d
  loop
    v_name := 'llm_request_logs_p' || to_char(v_day, 'YYYYMMDD');
    continue when to_regclass(format('sealog.%I', v_name)) is not null;
    v_from := v_day::timestamp at time zone 'utc';
    v_to := (v_day + 1)::timestamp at time zone 'utc';
    begin
      -- Never block ingest for long: give up on a busy lock and retry at the next run.
      perform set_config('lock_timeout', '3s', true);
      execute format('create table sealog.%I (like sealog.llm_request_logs including defaults including constraints)', v_name);
      execute format(
        'with moved as (delete from sealog.llm_request_logs_default where occurred_at >= %L and occurred_at < %L returning *)
         insert into sealog.%I select * from moved', v_from, v_to, v_name);
      execute format('alter table sealog.llm_request_logs attach partition sealog.%I for values from (%L) to (%L)', v_name, v_from, v_to);
      execute format('alter table sealog.%I enable row level security', v_name);
      execute format('alter table sealog.%I force row level security', v_name);
      execute format('revoke all on table sealog.%I from public, anon, authenticated, service_role', v_name);
      execute format('create policy %I on sealog.%I for select to service_role using (false)', v_name || '_select_policy', v_name);
      execute format('comment on table sealog.%I is %L', v_name,
        format('CONFIDENTIAL; pii=personal; retention=telemetry. Telemetry partition for %s (UTC).', v_day));
      v_created := v_created + 1;
    exception when lock_not_available then
      raise notice 'partition % skipped: lock not available; retried at the next run', v_name;
      exit;
    end;
  end loop;
  return v_created;
end
$$;
comment on function sealog.maintain_telemetry_partitions(timestamptz, integer, integer) is 'Creates missing daily telemetry partitions from p_days_back days ago to p_days_ahead days ahead, draining matching rows out of the default partition; returns how many it created.';
revoke all on function sealog.maintain_telemetry_partitions(timestamptz, integer, integer) from public, anon, authenticated, service_role;

select sealog.maintain_telemetry_partitions();

-- Daily, UTC. cron.schedule upserts by name, so re-running this migration is harmless.
select cron.schedule('sealog-telemetry-partitions', '5 0 * * *', 'select sealog.maintain_telemetry_partitions()');
