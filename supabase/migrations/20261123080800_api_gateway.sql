/**
 * Gateway operations of the Edge Functions' API: key introspection and the access-log row
 * of requests the pipeline answered itself (401 without a key, 400, 404, 413, 415, CORS
 * preflight). Each is one round trip.
 */

create function sealog_api.log_request(p_ctx jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- The key is resolved only to attribute the row; nothing is authorised here.
  return sealog.finish_request(
    p_ctx,
    sealog.resolve_credential(p_ctx),
    (p_ctx ->> 'status')::integer,
    nullif(p_ctx ->> 'error_code', '')
  );
end
$$;
comment on function sealog_api.log_request(jsonb) is 'Records the access-log row of a request the pipeline answered without an operation (framing errors, missing credentials, preflight, unknown route).';

create function sealog_api.whoami(p_ctx jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, null);
begin
  -- One reply of the same shape and size for every key (timing-safe): a refused key's
  -- carries a placeholder body, which the Edge Function never sends (it answers a 401).
  return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code, jsonb_build_object(
    'tenant_id', coalesce(v_auth.tenant_id, sealog.unauthenticated_tenant_id()),
    'key_prefix', coalesce(v_auth.display_prefix, 'slg_live_----'),
    'scopes', to_jsonb(coalesce(v_auth.scopes, array['ingest', 'auth-events', 'privacy', 'read', 'audit']))
  ));
end
$$;
comment on function sealog_api.whoami(jsonb) is 'GET /ingest/whoami: the tenant, key prefix and scopes of the presented key.';

revoke all on function sealog_api.log_request(jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.whoami(jsonb) from public, anon, authenticated, service_role;
grant execute on function sealog_api.log_request(jsonb) to sealog_edge;
grant execute on function sealog_api.whoami(jsonb) to sealog_edge;
