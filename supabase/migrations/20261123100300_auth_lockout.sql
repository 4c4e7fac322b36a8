/**
 * Brute-force protection for Supabase Auth password sign-ins, decided in the database.
 * When a user has N failed password attempts within a sliding window (per-tenant settings,
 * default 10 in 15 minutes), the password hook answers "reject" and records account_locked.
 * While locked, every attempt is rejected, a right password included, so guessing on does
 * not help; attempts during the lock are not failures, so the lock ends once the failures
 * that caused it leave the window, or at once when an operator unlocks the user
 * (account_unlocked: failures before it no longer count).
 */

/** Section - Per-tenant settings */

create table sealog.auth_lockout_settings (
  tenant_id uuid primary key references sealog.tenants (tenant_id) on delete cascade,
  failure_threshold integer not null default 10 check (failure_threshold between 1 and 1000),
  failure_window interval not null default interval '15 minutes'
    check (failure_window between interval '1 minute' and interval '1 day'),
  updated_at timestamptz not null default now()
);
comment on table sealog.auth_lockout_settings is 'INTERNAL; pii=none; retention=account. Per-tenant lockout settings of the password hook; a tenant without a row gets 10 failures in 15 minutes.';
comment on column sealog.auth_lockout_settings.tenant_id is 'INTERNAL; pii=none; retention=account. Tenant the settings apply to.';
comment on column sealog.auth_lockout_settings.failure_threshold is 'INTERNAL; pii=none; retention=account. Failed password attempts within the window that lock a user out (N).';
comment on column sealog.auth_lockout_settings.failure_window is 'INTERNAL; pii=none; retention=account. Sliding window in which failures are counted.';
comment on column sealog.auth_lockout_settings.updated_at is 'INTERNAL; pii=none; retention=account. When the settings last changed.';

alter table sealog.auth_lockout_settings enable row level security;
alter table sealog.auth_lockout_settings force row level security;
revoke all on table sealog.auth_lockout_settings from public, anon, authenticated, service_role;
grant select on table sealog.auth_lockout_settings to service_role;
-- service_role may read lockout settings for support; writes go through sealog_admin.
create policy auth_lockout_settings_select_policy on sealog.auth_lockout_settings
  for select to service_role using (true);

/** Section - The decision */

create function sealog.record_password_attempt(
  p_tenant_id uuid,
  p_user_id text,
  p_valid boolean,
  p_ip inet,
  p_now timestamptz default now()
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_threshold integer := 10;
  v_window interval := interval '15 minutes';
  v_failures integer;
begin
  select s.failure_threshold, s.failure_window
    into v_threshold, v_window
    from sealog.auth_lockout_settings s
   where s.tenant_id = p_tenant_id;
  v_threshold := coalesce(v_threshold, 10);
  v_window := coalesce(v_window, interval '15 minutes');

  -- Attempts for one user are decided one at a time, so concurrent failures cannot all see
  -- N-1 and slip past the threshold. Released at commit. The count has no upper bound in
  -- time: an attempt that waited here counts failures stamped after its own start.
  perform pg_advisory_xact_lock(hashtext('sealog.auth_lockout'), hashtext(p_tenant_id::text || '/' || p_user_id));

  select count(*)
    into v_failures
    from sealog.auth_events e
   where e.tenant_id = p_tenant_id
     and e.user_id = p_user_id
     and e.type = 'login_failure'
     and e.source = 'supabase_auth_hook'
     and e.occurred_at > p_now - v_window
     -- An operator's unlock (sealog_admin.unlock_user) starts the count afresh.
     and e.occurred_at > coalesce((
           select max(u.occurred_at)
             from sealog.auth_events u
            where u.tenant_id = p_tenant_id
              and u.user_id = p_user_id
              and u.type = 'account_unlocked'
              and u.source = 'operator'
         ), '-infinity');

  if v_failures < v_threshold then
    insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id, method, provider, reason, ip)
    values (p_tenant_id, gen_random_uuid(), p_now, 'supabase_auth_hook',
            case when p_valid then 'login_success' else 'login_failure' end,
            case when p_valid then 'success' else 'failure' end,
            p_user_id, 'password', 'supabase',
            case when p_valid then null else 'invalid_password' end, p_ip);
    if p_valid or v_failures + 1 < v_threshold then
      return jsonb_build_object('decision', 'continue');
    end if;
  end if;

  -- The Nth failure, or any attempt while locked.
  insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id, method, provider, reason, ip)
  values (p_tenant_id, gen_random_uuid(), p_now, 'supabase_auth_hook', 'account_locked', 'failure',
          p_user_id, 'password', 'supabase', 'too_many_failures', p_ip);
  return jsonb_build_object(
    'decision', 'reject',
    'message', 'Too many failed sign-in attempts. Try again later.',
    'should_logout_user', false
  );
end
$$;
comment on function sealog.record_password_attempt(uuid, text, boolean, inet, timestamptz) is 'Records a password verification attempt (login_success or login_failure) and decides the hook reply: reject with account_locked on the Nth failure within the tenant''s window and on every attempt while locked, else continue.';
revoke all on function sealog.record_password_attempt(uuid, text, boolean, inet, timestamptz) from public, anon, authenticated, service_role;

/** Section - Operator setting */

create function sealog_admin.set_auth_lockout(
  p_tenant_id uuid,
  p_failure_threshold integer,
  p_failure_window interval,
  p_now timestamptz default now()
)
returns boolean
language sql
security definer
set search_path = ''
as $$
  with changed as (
    insert into sealog.auth_lockout_settings as s (tenant_id, failure_threshold, failure_window, updated_at)
    select t.tenant_id, p_failure_threshold, p_failure_window, p_now
      from sealog.tenants t
     where t.tenant_id = p_tenant_id
    on conflict (tenant_id) do update
      set failure_threshold = excluded.failure_threshold,
          failure_window = excluded.failure_window,
          updated_at = excluded.updated_at
    returning 1
  )
  select exists (select 1 from changed)
$$;
comment on function sealog_admin.set_auth_lockout(uuid, integer, interval, timestamptz) is 'Sets a tenant''s password lockout: p_failure_threshold failures within p_failure_window lock a user out; true when the tenant exists.';
revoke all on function sealog_admin.set_auth_lockout(uuid, integer, interval, timestamptz) from public, anon, authenticated, service_role;

create function sealog_admin.unlock_user(
  p_tenant_id uuid,
  p_user_id text,
  p_now timestamptz default now()
)
returns boolean
language sql
security definer
set search_path = ''
as $$
  -- An audit row rather than deleting the failures: the trail keeps what happened and who
  -- ended the lock, and the lockout count ignores failures before it.
  with unlocked as (
    insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id, method, provider, reason)
    select t.tenant_id, gen_random_uuid(), p_now, 'operator', 'account_unlocked', 'success',
           p_user_id::sealog.auth_user_id, 'password', 'supabase', 'operator_unlock'
      from sealog.tenants t
     where t.tenant_id = p_tenant_id
    returning 1
  )
  select exists (select 1 from unlocked)
$$;
comment on function sealog_admin.unlock_user(uuid, text, timestamptz) is 'Unlocks a user locked out by the password hook: records account_unlocked (source operator), after which only later failures count; true when the tenant exists.';
revoke all on function sealog_admin.unlock_user(uuid, text, timestamptz) from public, anon, authenticated, service_role;
