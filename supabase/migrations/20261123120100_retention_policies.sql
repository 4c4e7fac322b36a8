/**
 * Retention policies: one row per data category (the `retention=` of every classification
 * comment), with its main table, retention period, purge method, purge function and pg_cron
 * job. Tenants may have shorter retention for their own data, never longer: a trigger
 * refuses an override longer than the policy, and a policy change that would leave one.
 *
 * A row is due for purging when its time column is at or before the cutoff, the top of
 * p_now's hour (UTC) minus the retention: its age reached the retention by that hour, and
 * the run in that hour deletes it. Hour alignment makes every hourly run and every hourly
 * or 15-minute rollup bucket cut at the same instant. Categories without a retention period
 * (account, configuration, user_data, compliance_reports) are kept indefinitely: they end
 * with the customer's account, an erasure, or never, as their description says.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

/** Section - Tables */

create table sealog.retention_policies (
  category text primary key check (category ~ '^[a-z][a-z0-9_]{0,62}$'),
  table_name text not null check (table_name ~ '^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$'),
  time_column text check (time_column ~ '^[a-z_][a-z0-9_]*$'),
  retention interval check (retention > interval '0'),
  purge_method text not null check (purge_method in ('drop_partitions', 'batched_delete', 'none')),
  purge_function text check (purge_function ~ '^sealog\.purge_[a-z0-9_]+$'),
  purge_job text check (purge_job ~ '^sealog-[a-z0-9-]+$'),
  grace interval not null default interval '1 day' check (grace >= interval '0'),
  tenant_overridable boolean not null default false,
  description text not null check (char_length(description) between 1 and 500),
  -- Finite retention needs a time column, a purge function and a job; indefinite has none.
  check ((retention is null) = (purge_method = 'none')),
  check ((retention is null) = (time_column is null)),
  check ((retention is null) = (purge_function is null)),
  check ((retention is null) = (purge_job is null))
);
comment on table sealog.retention_policies is 'INTERNAL; pii=none; retention=configuration. One retention policy per data category: table, period, purge method, function and pg_cron job.';
comment on column sealog.retention_policies.category is 'INTERNAL; pii=none; retention=configuration. Data category, as in the retention= part of classification comments.';
comment on column sealog.retention_policies.table_name is 'INTERNAL; pii=none; retention=configuration. Schema-qualified main table of the category.';
comment on column sealog.retention_policies.time_column is 'INTERNAL; pii=none; retention=configuration. Column whose age is compared with the retention period; null when kept indefinitely.';
comment on column sealog.retention_policies.retention is 'INTERNAL; pii=none; retention=configuration. Retention period; null means kept indefinitely (see description).';
comment on column sealog.retention_policies.purge_method is 'INTERNAL; pii=none; retention=configuration. drop_partitions (whole expired days), batched_delete (bounded batches) or none.';
comment on column sealog.retention_policies.purge_function is 'INTERNAL; pii=none; retention=configuration. SECURITY DEFINER function that purges the category, executable by the scheduler only.';
comment on column sealog.retention_policies.purge_job is 'INTERNAL; pii=none; retention=configuration. Name of the pg_cron job that runs the purge function.';
comment on column sealog.retention_policies.grace is 'INTERNAL; pii=none; retention=configuration. How far past its cutoff (sealog.retention_cutoff) the oldest row may be before the compliance report flags it: one schedule period of its purge.';
comment on column sealog.retention_policies.tenant_overridable is 'INTERNAL; pii=none; retention=configuration. Whether tenants may set a shorter retention for their own rows.';
comment on column sealog.retention_policies.description is 'INTERNAL; pii=none; retention=configuration. What the category holds and why it is kept that long.';

create table sealog.retention_overrides (
  tenant_id uuid not null references sealog.tenants (tenant_id) on delete cascade,
  category text not null references sealog.retention_policies (category),
  retention interval not null check (retention > interval '0'),
  created_at timestamptz not null default now(),
  primary key (tenant_id, category)
);
create index retention_overrides_category_idx on sealog.retention_overrides (category);
comment on table sealog.retention_overrides is 'INTERNAL; pii=none; retention=account. Per-tenant retention, shorter than or equal to the category''s policy, never longer.';
comment on column sealog.retention_overrides.tenant_id is 'INTERNAL; pii=none; retention=account. Tenant whose rows the override applies to.';
comment on column sealog.retention_overrides.category is 'INTERNAL; pii=none; retention=account. Data category overridden; its policy must be tenant_overridable.';
comment on column sealog.retention_overrides.retention is 'INTERNAL; pii=none; retention=account. The tenant''s retention period; at most the policy''s.';
comment on column sealog.retention_overrides.created_at is 'INTERNAL; pii=none; retention=account. When the override was set.';

/** Section - Shorter, never longer */

create function sealog.check_retention_override()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_policy sealog.retention_policies;
begin
  select * into v_policy from sealog.retention_policies where category = new.category;
  if not v_policy.tenant_overridable then
    raise exception 'retention of category % cannot be overridden per tenant', new.category
      using errcode = 'check_violation';
  end if;
  if v_policy.retention is not null and new.retention > v_policy.retention then
    raise exception 'a tenant''s retention (%) may be shorter than the % policy (%), never longer',
      new.retention, new.category, v_policy.retention
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
comment on function sealog.check_retention_override() is 'Trigger: refuses a per-tenant override that is longer than its category''s policy or whose category is not tenant_overridable.';

create trigger retention_overrides_shorter_only
  before insert or update on sealog.retention_overrides
  for each row execute function sealog.check_retention_override();

create function sealog.check_retention_policy_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if exists (
    select 1
      from sealog.retention_overrides o
     where o.category = new.category
       and (not new.tenant_overridable or (new.retention is not null and o.retention > new.retention))
  ) then
    raise exception 'shortening the % policy to % would leave a tenant override longer than it; shorten or remove the overrides first',
      new.category, new.retention
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
comment on function sealog.check_retention_policy_change() is 'Trigger: refuses a policy change that would leave a tenant override longer than the policy.';

create trigger retention_policies_keep_overrides_shorter
  before update on sealog.retention_policies
  for each row execute function sealog.check_retention_policy_change();

/** Section - Effective retention */

create function sealog.retention_cutoff(p_category text, p_now timestamptz, p_tenant_id uuid default null)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  -- Rows whose time column is at or before the cutoff are due; null means kept indefinitely.
  -- The top of the UTC hour, whatever the session's time zone (see the banner).
  select pg_catalog.date_trunc('hour', p_now, 'UTC') - least(p.retention, o.retention)
    from sealog.retention_policies p
    left join sealog.retention_overrides o
      on o.category = p.category
     and o.tenant_id = p_tenant_id
   where p.category = p_category
     and p.retention is not null
$$;
comment on function sealog.retention_cutoff(text, timestamptz, uuid) is 'The instant at or before which rows of a category (for one tenant, with its override) are due for purging: the top of p_now''s UTC hour minus the retention; null when kept indefinitely. The single source of every cutoff.';

/** Section - Policies */

insert into sealog.retention_policies
  (category, table_name, time_column, retention, purge_method, purge_function, purge_job, grace, tenant_overridable, description)
values
  ('telemetry', 'sealog.llm_request_logs', 'occurred_at', interval '90 days', 'drop_partitions',
   'sealog.purge_telemetry', 'sealog-purge-telemetry', interval '1 hour', true,
   'LLM call metadata. Whole expired days are dropped as partitions, the expired hours of the boundary day deleted, hourly.'),
  ('api_access_logs', 'sealog.api_access_log', 'received_at', interval '90 days', 'drop_partitions',
   'sealog.purge_api_access_log', 'sealog-purge-api-access-log', interval '1 hour', true,
   'One metadata row per API request, the CC6.1 audit trail of the API. Whole expired days are dropped as partitions, the expired hours of the boundary day deleted, hourly.'),
  ('session_state', 'sealog.session_state', 'last_activity_at', interval '24 hours', 'batched_delete',
   'sealog.purge_session_state', 'sealog-purge-session-state', interval '1 hour', true,
   'Running totals per agent session; ingest stamps expires_at 24 hours after the last activity.'),
  ('ephemeral', 'sealog.rate_limit_buckets', 'refilled_at', interval '7 days', 'batched_delete',
   'sealog.purge_ephemeral', 'sealog-purge-ephemeral', interval '1 day', false,
   'Working state no longer needed after a week: idle rate-limit buckets (a new bucket starts full) and completed erasure-outbox tasks.'),
  ('purge_log', 'sealog.purge_log', 'ran_at', interval '1 year', 'batched_delete',
   'sealog.purge_purge_log', 'sealog-purge-purge-log', interval '1 day', false,
   'The record of every purge run: evidence that retention is enforced.'),
  ('cron_history', 'cron.job_run_details', 'start_time', interval '14 days', 'batched_delete',
   'sealog.purge_cron_history', 'sealog-purge-cron-history', interval '1 day', false,
   'pg_cron''s own run history, which grows with every job run.'),
  ('account', 'sealog.tenants', null, null, 'none', null, null, interval '1 day', false,
   'Tenants, their API keys and settings: kept while the customer''s account exists; deleting a tenant cascades.'),
  ('configuration', 'sealog.retention_policies', null, null, 'none', null, null, interval '1 day', false,
   'Sealog''s own configuration, such as these policies: no personal data, kept indefinitely.'),
  ('user_data', 'public.sealog_profiles', null, null, 'none', null, null, interval '1 day', false,
   'The platform''s user data: kept while the user''s account exists and removed by erasure (deletion requests).'),
  ('compliance_reports', 'sealog.compliance_reports', null, null, 'none', null, null, interval '1 day', false,
   'Compliance evidence (SOC 2 reports, deletion requests and receipts) without personal data: kept indefinitely.');

/** Section - Operator functions */

create function sealog_admin.set_retention_override(p_tenant_id uuid, p_category text, p_retention interval)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into sealog.retention_overrides (tenant_id, category, retention)
  values (p_tenant_id, p_category, p_retention)
  on conflict (tenant_id, category) do update
    set retention = excluded.retention,
        created_at = now()
$$;
comment on function sealog_admin.set_retention_override(uuid, text, interval) is 'Sets a tenant''s retention for a category; refused when longer than the policy.';

create function sealog_admin.clear_retention_override(p_tenant_id uuid, p_category text)
returns boolean
language sql
security definer
set search_path = ''
as $$
  with removed as (
    delete from sealog.retention_overrides
     where tenant_id = p_tenant_id
       and category = p_category
    returning 1
  )
  select exists (select 1 from removed)
$$;
comment on function sealog_admin.clear_retention_override(uuid, text) is 'Removes a tenant''s retention override; the policy applies again. True when one existed.';

/** Section - RLS and grants */

alter table sealog.retention_policies enable row level security;
alter table sealog.retention_policies force row level security;
revoke all on table sealog.retention_policies from public, anon, authenticated, service_role;
grant select on table sealog.retention_policies to service_role;
-- service_role may read the policies (DBAs and dashboards); changes come only from migrations.
create policy retention_policies_select_policy on sealog.retention_policies
  for select to service_role using (true);

alter table sealog.retention_overrides enable row level security;
alter table sealog.retention_overrides force row level security;
revoke all on table sealog.retention_overrides from public, anon, authenticated, service_role;
grant select on table sealog.retention_overrides to service_role;
-- service_role may read overrides; they are set through sealog_admin.set_retention_override.
create policy retention_overrides_select_policy on sealog.retention_overrides
  for select to service_role using (true);

revoke all on function sealog.check_retention_override() from public, anon, authenticated, service_role;
revoke all on function sealog.check_retention_policy_change() from public, anon, authenticated, service_role;
revoke all on function sealog.retention_cutoff(text, timestamptz, uuid) from public, anon, authenticated, service_role;
revoke all on function sealog_admin.set_retention_override(uuid, text, interval) from public, anon, authenticated, service_role;
revoke all on function sealog_admin.clear_retention_override(uuid, text) from public, anon, authenticated, service_role;
