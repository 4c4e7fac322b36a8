/**
 * Operator reads of the Edge Functions' API (function operator): the SOC 2 CC6.1 report, the
 * data inventory, retention status per category, the list of tenants and their usage. Only the operator
 * reaches them: the Edge Function compared the bearer token with the project's secret keys in
 * constant time and set ctx.caller = 'operator', as for deletion requests. Any other caller
 * is refused (401 without a valid key, 403 with a tenant's). Each is one round trip that
 * writes its access-log row (caller kind operator); nothing returned is personal data.
 */

/** Section - Callers */

create function sealog.authenticate_operator(p_ctx jsonb, p_now timestamptz default now())
returns sealog.request_auth
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_auth sealog.request_auth;
begin
  if not sealog.caller_is_least_privileged() then
    return sealog.misconfigured(v_auth);
  end if;
  if sealog.caller_kind(p_ctx) = 'operator' then
    -- Tenant rate limits do not apply to the operator, as for its deletion requests.
    v_auth.status := 200;
    return sealog.apply_validation_failure(p_ctx, v_auth);
  end if;
  -- Anyone else is authenticated and rate limited as a tenant key on any route; a valid,
  -- unthrottled key is then forbidden, whatever its query (no validation detail leaks).
  v_auth := sealog.authenticate(p_ctx, null, p_now);
  if v_auth.status not in (401, 429) then
    v_auth.status := 403;
    v_auth.error_code := 'insufficient_scope';
  end if;
  return v_auth;
end
$$;
comment on function sealog.authenticate_operator(jsonb, timestamptz) is 'Admits the operator (established by the Edge Function); authenticates and rate limits anyone else as a tenant key, then refuses a valid one with 403 insufficient_scope (401 and 429 as usual). Then the request''s validation failure, if any, is answered.';

/** Section - Retention status */

create function sealog.retention_status(p_now timestamptz default now())
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_policy sealog.retention_policies;
  v_oldest timestamptz;
  v_last sealog.purge_log;
  v_rows jsonb := '[]'::jsonb;
begin
  for v_policy in select * from sealog.retention_policies order by category loop
    v_oldest := null;
    if v_policy.time_column is not null and to_regclass(v_policy.table_name) is not null then
      -- Names come from the policy table, whose checks admit identifiers only.
      execute format('select min(%I) from %s', v_policy.time_column, to_regclass(v_policy.table_name))
        into v_oldest;
    end if;
    select l.* into v_last
      from sealog.purge_log l
     where l.category = v_policy.category
     order by l.ran_at desc, l.purge_id desc
     limit 1;
    v_rows := v_rows || jsonb_build_object(
      'category', v_policy.category,
      'table_name', v_policy.table_name,
      'retention_seconds', extract(epoch from v_policy.retention)::bigint,
      'grace_seconds', extract(epoch from v_policy.grace)::bigint,
      'purge_job', v_policy.purge_job,
      'oldest_at', v_oldest,
      'oldest_age_seconds', floor(extract(epoch from p_now - v_oldest))::bigint,
      -- Within policy: nothing older than the purges' cutoff by more than the grace, as the
      -- SOC 2 data-retention control measures it.
      'within_policy', v_policy.retention is null or v_oldest is null
                       or v_oldest > sealog.retention_cutoff(v_policy.category, p_now) - v_policy.grace,
      'last_purge', case when v_last.purge_id is not null then jsonb_build_object(
        'ran_at', v_last.ran_at,
        'duration_ms', v_last.duration_ms,
        'rows_deleted', v_last.rows_deleted,
        'partitions_dropped', v_last.partitions_dropped,
        'complete', v_last.complete) end);
    v_last := null;
  end loop;
  return v_rows;
end
$$;
comment on function sealog.retention_status(timestamptz) is 'Per retention category: the policy, the oldest row''s timestamp and age, whether it is within policy (plus grace), and the last purge with its outcome.';

/** Section - GET /operator/soc2-report */

create function sealog_api.get_soc2_report(p_ctx jsonb, p_query jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_operator(p_ctx);
  v_report jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  if coalesce((p_query ->> 'fresh')::boolean, false) is false then
    v_report := sealog_admin.latest_soc2_report();
  end if;
  -- Fresh on request, or when none was generated yet (the weekly job has not run).
  v_report := coalesce(v_report, sealog_admin.generate_soc2_report());
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_report);
end
$$;
comment on function sealog_api.get_soc2_report(jsonb, jsonb) is 'GET /operator/soc2-report (operator): the latest stored SOC 2 CC6.1 report, or a fresh one (fresh = true, or none stored yet), which is stored too.';

/** Section - GET /operator/data-inventory */

create function sealog_api.get_data_inventory(p_ctx jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_operator(p_ctx);
  v_body jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  -- Schema metadata only: names, classifications and policies, never a row's content.
  select jsonb_build_object('objects', coalesce(jsonb_agg(to_jsonb(i)
           order by i.schema_name, i.table_name, i.column_number), '[]'))
    into v_body
    from sealog_admin.data_inventory as i;
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_body);
end
$$;
comment on function sealog_api.get_data_inventory(jsonb) is 'GET /operator/data-inventory (operator): every table and column with its classification, personal-data kind, retention and purge job.';

/** Section - GET /operator/retention */

create function sealog_api.get_retention_status(p_ctx jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_operator(p_ctx);
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  return sealog.finish_request(p_ctx, v_auth, 200, null,
    jsonb_build_object('generated_at', now(), 'categories', sealog.retention_status()));
end
$$;
comment on function sealog_api.get_retention_status(jsonb) is 'GET /operator/retention (operator): per retention category, the oldest row''s age against its policy and the last purge with its outcome.';

/** Section - GET /operator/tenants */

create function sealog_api.list_tenants(p_ctx jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_operator(p_ctx);
  v_body jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  select jsonb_build_object('tenants', coalesce(jsonb_agg(to_jsonb(t)), '[]'))
    into v_body
    from sealog_admin.list_tenants() as t;
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_body);
end
$$;
comment on function sealog_api.list_tenants(jsonb) is 'GET /operator/tenants (operator): every tenant with its rate limit, state and number of live keys.';

/** Section - GET /operator/usage */

create function sealog_api.get_operator_usage(p_ctx jsonb, p_query jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_operator(p_ctx);
  v_from timestamptz := (p_query ->> 'from')::timestamptz;
  v_to timestamptz := (p_query ->> 'to')::timestamptz;
  v_body jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  -- The CLI's summary (deno task usage), one entry per tenant: counts and sums, no end user.
  select jsonb_build_object(
           'from', v_from,
           'to', v_to,
           'tenants', coalesce(jsonb_agg(jsonb_strip_nulls(to_jsonb(u)) order by u.events desc, u.tenant_id), '[]'))
    into v_body
    from sealog_admin.usage_summary(v_from, v_to) as u;
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_body);
end
$$;
comment on function sealog_api.get_operator_usage(jsonb, jsonb) is 'GET /operator/usage (operator): every tenant''s events, errors, tokens, cost and last event time over [from, to), busiest first (sealog_admin.usage_summary).';

/** Section - Grants */

revoke all on function sealog.authenticate_operator(jsonb, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog.retention_status(timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog_api.get_soc2_report(jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.get_data_inventory(jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.get_retention_status(jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.list_tenants(jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.get_operator_usage(jsonb, jsonb) from public, anon, authenticated, service_role;
grant execute on function sealog_api.get_soc2_report(jsonb, jsonb) to sealog_edge;
grant execute on function sealog_api.get_data_inventory(jsonb) to sealog_edge;
grant execute on function sealog_api.get_retention_status(jsonb) to sealog_edge;
grant execute on function sealog_api.list_tenants(jsonb) to sealog_edge;
grant execute on function sealog_api.get_operator_usage(jsonb, jsonb) to sealog_edge;
