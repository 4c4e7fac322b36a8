/**
 * Auth-event operations of the Edge Functions' API (POST /auth-events). Each request is one
 * round trip: one of these functions authenticates, records, decides and writes the
 * request's access-log row through sealog.finish_request.
 *
 * Two inputs:
 *   record_auth_events  a batch from an identity provider or app backend, authenticated by a
 *                       tenant key with scope auth-events, rate limited like every key.
 *   record_auth_hook    one Supabase Auth hook delivery. There is no key: the Edge Function
 *                       verified the Standard Webhooks signature and passes the configured
 *                       tenant (SEALOG_AUTH_HOOK_TENANT_ID) as p_ctx.hook_tenant_id. That is
 *                       trusted because only sealog_edge may execute sealog_api, and the
 *                       function sets it only after verification. Hooks are not rate
 *                       limited: only Supabase Auth can sign them, it rate-limits sign-ins
 *                       itself, and a 429 here would fail users' sign-ins.
 */

/** Section - Hook tenant */

create function sealog.authenticate_auth_hook(p_ctx jsonb)
returns sealog.request_auth
language plpgsql
stable
set search_path = ''
as $$
declare
  v_auth sealog.request_auth;
begin
  v_auth.status := 401;
  v_auth.error_code := 'unauthorized';
  v_auth.scope := 'auth-events';
  if not sealog.caller_is_least_privileged() then
    return sealog.misconfigured(v_auth);
  end if;
  select t.tenant_id
    into v_auth.tenant_id
    from sealog.tenants t
   where t.tenant_id = nullif(p_ctx ->> 'hook_tenant_id', '')::uuid
     and t.disabled_at is null;
  if v_auth.tenant_id is not null then
    v_auth.status := 200;
    v_auth.error_code := null;
    v_auth.display_prefix := 'auth-hook';
    v_auth.scopes := array['auth-events'];
  end if;
  return v_auth;
end
$$;
comment on function sealog.authenticate_auth_hook(jsonb) is 'Attributes a verified Supabase Auth hook delivery to the configured hook tenant (p_ctx.hook_tenant_id); status 401 when that tenant does not exist or is disabled.';
revoke all on function sealog.authenticate_auth_hook(jsonb) from public, anon, authenticated, service_role;

/** Section - POST /auth-events with a tenant key */

create function sealog_api.record_auth_events(p_ctx jsonb, p_events jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'auth-events');
  v_valid integer := jsonb_array_length(p_events);
  v_accepted integer;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;

  -- Events arrive validated, truncated and pseudonymised by the Edge Function; the domains
  -- check them again. The first of repeated ids in a batch wins, as a resend would; an event
  -- is the same one when its id and occurred_at are (the table's key, partitioned by day).
  with input as (
    select distinct on (e.event_id) e.*
      from jsonb_to_recordset(p_events) as e(
        i integer, event_id uuid, occurred_at timestamptz, type text, outcome text, user_id text,
        user_pseudonym text, method text, provider text, reason text, ip inet, user_agent text)
     order by e.event_id, e.i
  ),
  stored as (
    insert into sealog.auth_events (
      tenant_id, event_id, occurred_at, source, type, outcome, user_id, user_pseudonym, method,
      provider, reason, ip, user_agent
    )
    select v_auth.tenant_id, input.event_id, input.occurred_at, 'api', input.type, input.outcome,
           input.user_id, decode(input.user_pseudonym, 'hex'), input.method, input.provider,
           input.reason, input.ip, input.user_agent
      from input
     order by input.event_id
    on conflict (tenant_id, occurred_at, event_id) do nothing
    returning 1
  )
  select count(*) into v_accepted from stored;
  return sealog.finish_batch(p_ctx, v_auth, v_valid, v_accepted);
end
$$;
comment on function sealog_api.record_auth_events(jsonb, jsonb) is 'POST /auth-events with a key of scope auth-events: stores a validated batch once per event id and reports accepted and duplicate counts; 200, 207 (some rejected by the Edge Function) or 422 (none valid).';

/** Section - POST /auth-events from Supabase Auth hooks */

create function sealog_api.record_auth_hook(p_ctx jsonb, p_hook jsonb, p_now timestamptz default now())
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_auth_hook(p_ctx);
  v_kind text := p_hook ->> 'kind';
  v_user_id text := p_hook ->> 'user_id';
  v_valid boolean := (p_hook ->> 'valid')::boolean;
  v_method text := p_hook ->> 'method';
  v_ip inet := nullif(p_hook ->> 'ip', '')::inet;
  v_reply jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  if v_kind is null or v_kind not in ('password_verification', 'mfa_verification', 'custom_access_token') then
    return sealog.finish_request(p_ctx, v_auth, 400, 'invalid_auth_hook');
  end if;

  -- A webhook-id is accepted once per tenant, in whichever day it came. The ledger is
  -- partitioned by day, so no unique index spans the days: deliveries of one id are decided
  -- one at a time (released at commit; a waiter's next statement sees the first one's row),
  -- and the id is looked up in every day by the (tenant_id, webhook_id) index.
  perform pg_advisory_xact_lock(hashtext('sealog.auth_hook_deliveries'),
                                hashtext(v_auth.tenant_id::text || '/' || (p_hook ->> 'webhook_id')));
  if exists (
    select 1 from sealog.auth_hook_deliveries d
     where d.tenant_id = v_auth.tenant_id
       and d.webhook_id = (p_hook ->> 'webhook_id')::sealog.webhook_id
  ) then
    return sealog.finish_request(p_ctx, v_auth, 409, 'webhook_replayed');
  end if;
  insert into sealog.auth_hook_deliveries (tenant_id, webhook_id, received_at)
  values (v_auth.tenant_id, p_hook ->> 'webhook_id', p_now);

  if v_kind = 'password_verification' then
    v_reply := sealog.record_password_attempt(v_auth.tenant_id, v_user_id, v_valid, v_ip, p_now);
  elsif v_kind = 'mfa_verification' then
    insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id, method, provider, reason, ip)
    values (v_auth.tenant_id, gen_random_uuid(), p_now, 'supabase_auth_hook',
            case when v_valid then 'mfa_success' else 'mfa_failure' end,
            case when v_valid then 'success' else 'failure' end,
            v_user_id, v_method, 'supabase', case when v_valid then null else 'invalid_code' end, v_ip);
    v_reply := jsonb_build_object('decision', 'continue');
  else
    -- The claims never reach the database; the Edge Function echoes them unchanged.
    insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id, method, provider, ip)
    values (v_auth.tenant_id, gen_random_uuid(), p_now, 'supabase_auth_hook', 'token_issued', 'success',
            v_user_id, v_method, 'supabase', v_ip);
    v_reply := '{}'::jsonb;
  end if;
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_reply);
end
$$;
comment on function sealog_api.record_auth_hook(jsonb, jsonb, timestamptz) is 'POST /auth-events from Supabase Auth (signature verified by the Edge Function): rejects a replayed webhook-id (409), records login_*, mfa_* or token_issued for the hook tenant, and returns the hook''s decision.';

revoke all on function sealog_api.record_auth_events(jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.record_auth_hook(jsonb, jsonb, timestamptz) from public, anon, authenticated, service_role;
grant execute on function sealog_api.record_auth_events(jsonb, jsonb) to sealog_edge;
grant execute on function sealog_api.record_auth_hook(jsonb, jsonb, timestamptz) to sealog_edge;
