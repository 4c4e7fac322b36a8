/**
 * Deletion-request operations of the Edge Functions' API (function deletion-requests).
 * Each is one round trip: authenticate the caller, authorise the subject, do the work, and
 * write the request's one access-log row.
 *
 * Three kinds of caller reach these functions; the Edge Function establishes which:
 *   user      a Supabase Auth user, whose access token the Edge Function verified against
 *             SUPABASE_JWKS; ctx.user_id is its sub. The subject is that user, always.
 *   operator  the project's secret or service-role key, compared by the Edge Function in
 *             constant time; ctx.caller = 'operator'. Subjects: a user id or an email.
 *   tenant    any other bearer token: a tenant API key with the scope privacy, resolved
 *             here. Subject: one of the tenant's end users, in that tenant only.
 * Subjects arrive with their keyed hash (ctx.subject_hash or p_request.subject_hash, hex),
 * computed by the Edge Function with SEALOG_PSEUDONYM_KEY, which the database never sees.
 */

/** Section - Callers */

create function sealog.privacy_caller(p_ctx jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  -- The access log's kinds (sealog.caller_kind), where any other caller presents a tenant key.
  select case sealog.caller_kind(p_ctx)
    when 'user' then 'user'
    when 'operator' then 'operator'
    else 'tenant'
  end
$$;
comment on function sealog.privacy_caller(jsonb) is 'Kind of caller of a deletion-request operation: user (verified access token), operator (project secret key) or tenant (API key).';

create function sealog.authenticate_privacy_caller(p_ctx jsonb, p_now timestamptz default now())
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
  if sealog.privacy_caller(p_ctx) = 'tenant' then
    return sealog.authenticate(p_ctx, 'privacy', p_now);
  end if;
  -- Users and the operator were authenticated by the Edge Function; tenant rate limits do not apply.
  v_auth.status := 200;
  v_auth.scope := 'privacy';
  return sealog.apply_validation_failure(p_ctx, v_auth);
end
$$;
comment on function sealog.authenticate_privacy_caller(jsonb, timestamptz) is 'Authenticates a deletion-request caller: a tenant key needs the privacy scope and a rate-limit token; users and the operator are admitted as established by the Edge Function. Then the request''s validation failure, if any, is answered.';

create function sealog.privacy_log_context(p_ctx jsonb)
returns jsonb
language sql
stable
set search_path = ''
as $$
  -- A caller whose account no longer exists (it was just erased, or is gone) leaves no
  -- identifying trace in the access log: the row keeps only what is not personal.
  select case
    when nullif(p_ctx ->> 'user_id', '') is not null
     and not exists (select 1 from auth.users u where u.id = (p_ctx ->> 'user_id')::uuid)
    then p_ctx - 'user_id' - 'client_ip' - 'user_agent' || jsonb_build_object('caller', 'user')
    else p_ctx
  end
$$;
comment on function sealog.privacy_log_context(jsonb) is 'The request context for the access-log row, without user id, ip and user agent when the calling user has been erased.';

create function sealog.deletion_request_view(p_request sealog.deletion_requests)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
      'request_id', p_request.request_id,
      'status', p_request.status,
      'requested_by', p_request.requested_by,
      'requested_at', p_request.requested_at,
      'scheduled_for', p_request.scheduled_for,
      'completed_at', p_request.completed_at,
      'cancelled_at', p_request.cancelled_at,
      'failed_at', p_request.failed_at
    )
    || case when p_request.status = 'failed'
         then jsonb_build_object('error_code', p_request.error_code) else '{}' end
    -- The stored receipt, with each external task's current state from the outbox.
    || case when p_request.receipt is not null then jsonb_build_object(
         'receipt', p_request.receipt || jsonb_build_object('external_tasks', (
           select coalesce(jsonb_agg(
                    t.task || jsonb_strip_nulls(jsonb_build_object('state', o.state, 'finished_at', o.finished_at))
                    order by t.ordinal), '[]')
             from jsonb_array_elements(p_request.receipt -> 'external_tasks') with ordinality as t (task, ordinal)
             left join sealog.erasure_outbox o on o.task_id = (t.task ->> 'task_id')::uuid
         ))) else '{}' end
$$;
comment on function sealog.deletion_request_view(sealog.deletion_requests) is 'A deletion request as the API shows it: status and timestamps, and once completed the receipt with the live state of its external tasks.';

create function sealog.deletion_request_visible(p_ctx jsonb, p_auth sealog.request_auth, p_request sealog.deletion_requests)
returns boolean
language sql
stable
set search_path = ''
as $$
  -- The operator sees every request; a tenant the requests its own keys made; a user the
  -- requests they made about themselves.
  select case sealog.privacy_caller(p_ctx)
           when 'operator' then true
           when 'tenant' then p_request.requested_by = 'tenant' and p_request.tenant_id = p_auth.tenant_id
           else p_request.requested_by = 'user'
                and p_request.subject_kind = 'user'
                and p_request.subject_hash = decode(p_ctx ->> 'subject_hash', 'hex')
         end
$$;
comment on function sealog.deletion_request_visible(jsonb, sealog.request_auth, sealog.deletion_requests) is 'Whether this caller may see the deletion request: the operator every one, a tenant its keys'' own, a user those they made about themselves.';

create function sealog.find_visible_deletion_request(p_ctx jsonb, p_auth sealog.request_auth, p_request_id text)
returns uuid
language sql
stable
set search_path = ''
as $$
  -- Requests this caller may not see, and malformed ids, look unknown.
  select r.request_id
    from sealog.deletion_requests r
   where p_request_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     and r.request_id = p_request_id::uuid
     and sealog.deletion_request_visible(p_ctx, p_auth, r)
$$;
comment on function sealog.find_visible_deletion_request(jsonb, sealog.request_auth, text) is 'The id of the deletion request p_request_id if this caller may see it, else null.';

/** Section - POST /deletion-requests */

create function sealog_api.create_deletion_request(p_ctx jsonb, p_request jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_caller text := sealog.privacy_caller(p_ctx);
  v_auth sealog.request_auth := sealog.authenticate_privacy_caller(p_ctx);
  v_kind text := p_request ->> 'subject_kind';
  v_hash bytea;
  v_grace interval;
  v_request sealog.deletion_requests;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  -- The Edge Function sends a subject only when the body matched the schema; details of a
  -- mismatch go only to an authenticated caller.
  if v_kind is null or coalesce(p_request ->> 'subject_hash', '') !~ '^[0-9a-f]{64}$' then
    return sealog.finish_request(p_ctx, v_auth, 422, 'invalid_request');
  end if;
  v_hash := decode(p_request ->> 'subject_hash', 'hex');
  v_grace := make_interval(secs => coalesce((p_request ->> 'grace_seconds')::integer, 0));

  -- Who may ask to erase whom: users themselves only; tenants their end users; the operator
  -- any platform user, by id or by email.
  if not (case v_caller
             when 'user' then v_kind = 'user' and p_request ->> 'user_id' = p_ctx ->> 'user_id'
             when 'tenant' then v_kind = 'end_user'
             else v_kind in ('user', 'email')
           end) then
    return sealog.finish_request(p_ctx, v_auth, 403, 'subject_not_allowed');
  end if;

  if v_caller = 'user' and not exists (
    select 1 from auth.users u where u.id = (p_ctx ->> 'user_id')::uuid
  ) then
    -- A still-valid token of an account that is gone records nothing new: it gets back its
    -- own last request, or 401 like any token without an account.
    select r.* into v_request
      from sealog.deletion_requests r
     where r.subject_hash = v_hash
       and r.requested_by = 'user'
       and r.subject_kind = 'user'
     order by r.requested_at desc
     limit 1;
    if not found then
      return sealog.finish_request(sealog.privacy_log_context(p_ctx), v_auth, 401, 'unauthorized');
    end if;
  else
    v_request := sealog.request_erasure(
      v_caller,
      case when v_caller = 'tenant' then v_auth.tenant_id end,
      v_kind,
      v_hash,
      nullif(p_request ->> 'user_id', '')::uuid,
      nullif(p_request ->> 'email', ''),
      nullif(p_request ->> 'end_user_id', ''),
      array(select decode(p, 'hex')
              from jsonb_array_elements_text(coalesce(p_request -> 'email_pseudonyms', '[]')) as p
             where p ~ '^[0-9a-f]{64}$'),
      v_grace
    );
  end if;

  return sealog.finish_request(
    sealog.privacy_log_context(p_ctx), v_auth, 202, null,
    jsonb_build_object(
      'request_id', v_request.request_id,
      'status', v_request.status,
      'scheduled_for', v_request.scheduled_for
    )
  );
end
$$;
comment on function sealog_api.create_deletion_request(jsonb, jsonb) is 'POST /deletion-requests: records a deletion request (or returns the pending one for the same subject), erasing at once when the grace period is 0; 202, 403 subject_not_allowed or 422.';

/** Section - GET /deletion-requests/{request_id} */

create function sealog_api.get_deletion_request(p_ctx jsonb, p_request_id text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_privacy_caller(p_ctx);
  v_request sealog.deletion_requests;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  select r.* into v_request
    from sealog.deletion_requests r
   where r.request_id = sealog.find_visible_deletion_request(p_ctx, v_auth, p_request_id);
  if not found then
    return sealog.finish_request(sealog.privacy_log_context(p_ctx), v_auth, 404, 'deletion_request_not_found');
  end if;
  return sealog.finish_request(sealog.privacy_log_context(p_ctx), v_auth, 200, null, sealog.deletion_request_view(v_request));
end
$$;
comment on function sealog_api.get_deletion_request(jsonb, text) is 'GET /deletion-requests/{request_id}: status and timestamps, and the receipt once completed; 404 for unknown requests and other callers'' alike.';

/** Section - GET /deletion-requests */

create function sealog_api.list_deletion_requests(p_ctx jsonb, p_query jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_privacy_caller(p_ctx);
  v_status text := p_query ->> 'status';
  v_limit integer := least(greatest(coalesce((p_query ->> 'limit')::integer, 50), 1), 100);
  v_body jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  -- Newest first; the same visibility as a single request, so nothing else is listed.
  select jsonb_build_object('requests', coalesce(jsonb_agg(sealog.deletion_request_view(r)
                                                  order by r.requested_at desc, r.request_id desc), '[]'))
    into v_body
    from (select d.*
            from sealog.deletion_requests as d
           where sealog.deletion_request_visible(p_ctx, v_auth, d)
             and (v_status is null or d.status = v_status)
           order by d.requested_at desc, d.request_id desc
           limit v_limit) as r;
  return sealog.finish_request(sealog.privacy_log_context(p_ctx), v_auth, 200, null, v_body);
end
$$;
comment on function sealog_api.list_deletion_requests(jsonb, jsonb) is 'GET /deletion-requests: the caller''s visible deletion requests, newest first, with status and receipts (at most 100, optionally by status).';

/** Section - DELETE /deletion-requests/{request_id} */

create function sealog_api.cancel_deletion_request(p_ctx jsonb, p_request_id text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate_privacy_caller(p_ctx);
  v_request sealog.deletion_requests;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  select r.* into v_request
    from sealog.deletion_requests r
   where r.request_id = sealog.find_visible_deletion_request(p_ctx, v_auth, p_request_id)
     for update;
  if not found then
    return sealog.finish_request(sealog.privacy_log_context(p_ctx), v_auth, 404, 'deletion_request_not_found');
  end if;

  if sealog.cancel_erasure(v_request.request_id) <> 'cancelled' then
    -- Past its grace period (being erased, or done): too late to cancel.
    return sealog.finish_request(sealog.privacy_log_context(p_ctx), v_auth, 409, 'deletion_request_not_cancellable');
  end if;
  select r.* into v_request from sealog.deletion_requests r where r.request_id = v_request.request_id;
  return sealog.finish_request(sealog.privacy_log_context(p_ctx), v_auth, 200, null, sealog.deletion_request_view(v_request));
end
$$;
comment on function sealog_api.cancel_deletion_request(jsonb, text) is 'DELETE /deletion-requests/{request_id}: cancels a request still in its grace period (repeating it answers the same); 409 once the grace period is over.';

/** Section - Grants */

revoke all on function sealog.privacy_caller(jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog.authenticate_privacy_caller(jsonb, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog.privacy_log_context(jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog.deletion_request_view(sealog.deletion_requests) from public, anon, authenticated, service_role;
revoke all on function sealog.find_visible_deletion_request(jsonb, sealog.request_auth, text) from public, anon, authenticated, service_role;
revoke all on function sealog.deletion_request_visible(jsonb, sealog.request_auth, sealog.deletion_requests) from public, anon, authenticated, service_role;
revoke all on function sealog_api.create_deletion_request(jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.get_deletion_request(jsonb, text) from public, anon, authenticated, service_role;
revoke all on function sealog_api.list_deletion_requests(jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.cancel_deletion_request(jsonb, text) from public, anon, authenticated, service_role;
grant execute on function sealog_api.create_deletion_request(jsonb, jsonb) to sealog_edge;
grant execute on function sealog_api.get_deletion_request(jsonb, text) to sealog_edge;
grant execute on function sealog_api.list_deletion_requests(jsonb, jsonb) to sealog_edge;
grant execute on function sealog_api.cancel_deletion_request(jsonb, text) to sealog_edge;
