/**
 * OTLP trace ingest (POST /otlp/v1/traces) and its tenant setting. Content attributes of a
 * span are never stored; the otlp function may scan them in memory with the SDK's scanner and
 * send only the risk tags. Whether those tags are kept is the tenant's choice, decided here
 * because only the database knows the tenant: on by default (the tags are the point of
 * scanning, and the text never leaves the function's memory either way).
 */

/** Section - The tenant setting */

alter table sealog.tenants
  add column otlp_scan_tags boolean not null default true;
comment on column sealog.tenants.otlp_scan_tags is 'INTERNAL; pii=none; retention=account. Whether risk tags found by scanning OTLP content attributes in memory are kept (default true); the content itself is never stored.';

create function sealog_admin.set_otlp_scan_tags(p_tenant_id uuid, p_enabled boolean)
returns boolean
language sql
security definer
set search_path = ''
as $$
  with changed as (
    update sealog.tenants
       set otlp_scan_tags = p_enabled
     where tenant_id = p_tenant_id
    returning 1
  )
  select exists (select 1 from changed)
$$;
comment on function sealog_admin.set_otlp_scan_tags(uuid, boolean) is 'Turns the keeping of OTLP content-scan risk tags on or off for a tenant; true when the tenant exists.';

/** Section - POST /otlp/v1/traces */

create function sealog_api.ingest_otlp(p_ctx jsonb, p_events jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- A read only: sealog_api.ingest authenticates, scopes, rate limits and logs the request.
  v_scan boolean := (
    select t.otlp_scan_tags
      from sealog.tenants t
     where t.tenant_id = (sealog.resolve_credential(p_ctx)).tenant_id
  );
begin
  if not coalesce(v_scan, true) then
    p_events := coalesce(
      (select jsonb_agg(e.event - 'risk_tags' order by e.n)
         from jsonb_array_elements(p_events) with ordinality as e(event, n)),
      '[]'::jsonb);
  end if;
  return sealog_api.ingest(p_ctx, p_events);
end
$$;
comment on function sealog_api.ingest_otlp(jsonb, jsonb) is 'POST /otlp/v1/traces: drops the content-scan risk tags when the tenant turned otlp_scan_tags off, then stores the spans through sealog_api.ingest (the same authentication, scope, rate limit and access-log row).';

/** Section - Grants */

revoke all on function sealog_admin.set_otlp_scan_tags(uuid, boolean) from public, anon, authenticated, service_role;
revoke all on function sealog_api.ingest_otlp(jsonb, jsonb) from public, anon, authenticated, service_role;
grant execute on function sealog_api.ingest_otlp(jsonb, jsonb) to sealog_edge;
