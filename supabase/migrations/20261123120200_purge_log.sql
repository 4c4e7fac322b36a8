/**
 * Purge log: every purge run records its category, what it removed and how long it took,
 * as evidence that retention is enforced. It holds no personal data, is classified
 * INTERNAL and is itself purged after one year (category purge_log).
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create table sealog.purge_log (
  purge_id bigint generated always as identity primary key,
  category text not null references sealog.retention_policies (category),
  ran_at timestamptz not null,
  duration_ms bigint not null check (duration_ms >= 0),
  rows_deleted bigint not null check (rows_deleted >= 0),
  partitions_dropped bigint not null default 0 check (partitions_dropped >= 0),
  tenant_overrides bigint not null default 0 check (tenant_overrides >= 0),
  complete boolean not null,
  note text check (char_length(note) <= 1000)
);
create index purge_log_category_ran_at_idx on sealog.purge_log (category, ran_at);
create index purge_log_ran_at_idx on sealog.purge_log (ran_at);
comment on table sealog.purge_log is 'INTERNAL; pii=none; retention=purge_log. One row per purge run: category, rows and partitions removed, duration.';
comment on column sealog.purge_log.purge_id is 'INTERNAL; pii=none; retention=purge_log. Row id.';
comment on column sealog.purge_log.category is 'INTERNAL; pii=none; retention=purge_log. Data category purged.';
comment on column sealog.purge_log.ran_at is 'INTERNAL; pii=none; retention=purge_log. The run''s p_now: the instant retention was measured from.';
comment on column sealog.purge_log.duration_ms is 'INTERNAL; pii=none; retention=purge_log. Wall-clock duration of the run in milliseconds.';
comment on column sealog.purge_log.rows_deleted is 'INTERNAL; pii=none; retention=purge_log. Rows deleted in batches.';
comment on column sealog.purge_log.partitions_dropped is 'INTERNAL; pii=none; retention=purge_log. Whole daily partitions dropped (telemetry).';
comment on column sealog.purge_log.tenant_overrides is 'INTERNAL; pii=none; retention=purge_log. Tenants whose shorter retention was applied.';
comment on column sealog.purge_log.complete is 'INTERNAL; pii=none; retention=purge_log. False when the run stopped at its batch limit or skipped a locked partition; the next run continues.';
comment on column sealog.purge_log.note is 'INTERNAL; pii=none; retention=purge_log. Why a run was incomplete (object names only, never row values).';

alter table sealog.purge_log enable row level security;
alter table sealog.purge_log force row level security;
revoke all on table sealog.purge_log from public, anon, authenticated, service_role;
grant select on table sealog.purge_log to service_role;
-- service_role may read the purge log for audits; rows are written only by the purge functions.
create policy purge_log_select_policy on sealog.purge_log
  for select to service_role using (true);

create function sealog.record_purge(
  p_category text,
  p_now timestamptz,
  p_started timestamptz,
  p_rows_deleted bigint,
  p_partitions_dropped bigint,
  p_tenant_overrides bigint,
  p_complete boolean,
  p_note text default null
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_entry sealog.purge_log;
begin
  insert into sealog.purge_log (
    category, ran_at, duration_ms, rows_deleted, partitions_dropped, tenant_overrides, complete, note
  )
  values (
    p_category, p_now,
    greatest(floor(extract(epoch from clock_timestamp() - p_started) * 1000), 0)::bigint,
    p_rows_deleted, p_partitions_dropped, p_tenant_overrides, p_complete, left(p_note, 1000)
  )
  returning * into v_entry;
  return jsonb_strip_nulls(to_jsonb(v_entry));
end
$$;
comment on function sealog.record_purge(text, timestamptz, timestamptz, bigint, bigint, bigint, boolean, text) is 'Writes one purge-log row for a purge run and returns it as the run''s result.';
revoke all on function sealog.record_purge(text, timestamptz, timestamptz, bigint, bigint, bigint, boolean, text) from public, anon, authenticated, service_role;
