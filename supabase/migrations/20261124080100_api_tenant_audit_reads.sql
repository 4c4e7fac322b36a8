/**
 * The tenant's auth events over the API (GET /tenant/auth-events, scope audit): one page,
 * newest first, by keyset (occurred_at, event_id). A user named by email is matched through
 * the keyed pseudonym the Edge Function computes (SEALOG_PSEUDONYM_KEY never reaches the
 * database, and the address is neither stored nor logged). The read writes its own
 * access-log row; nothing here changes an auth event.
 */

/** Section - GET /tenant/auth-events */

create function sealog_api.list_auth_events(p_ctx jsonb, p_query jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'audit');
  v_from timestamptz := (p_query ->> 'from')::timestamptz;
  v_to timestamptz := (p_query ->> 'to')::timestamptz;
  v_type text := p_query ->> 'type';
  v_outcome text := p_query ->> 'outcome';
  v_user_id text := p_query ->> 'user_id';
  v_user_pseudonym bytea := decode(p_query ->> 'user_pseudonym', 'hex');
  -- The cursor: the last row seen, as (occurred_at in microseconds since the epoch, event_id);
  -- without one, the end of the range. Always compared, never "is null or": that form left the
  -- comparison out of the index condition of the cached plan, so each page reread every newer row.
  v_before_at timestamptz := coalesce(timestamptz 'epoch' + (p_query -> 'cursor' ->> 'before_us')::bigint * interval '1 microsecond', v_to);
  v_before_id uuid := coalesce((p_query -> 'cursor' ->> 'before_id')::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff');
  v_limit integer := least(greatest(coalesce((p_query ->> 'limit')::integer, 100), 1), 1000);
  v_rows jsonb;
  v_count integer;
  v_last text;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  with page as (
    select e.*
      from sealog.auth_events as e
     where e.tenant_id = v_auth.tenant_id
       and e.occurred_at >= v_from
       and e.occurred_at < v_to
       and (e.occurred_at, e.event_id) < (v_before_at, v_before_id)
       and (v_type is null or e.type = v_type)
       and (v_outcome is null or e.outcome = v_outcome)
       and (v_user_id is null or e.user_id = v_user_id)
       and (v_user_pseudonym is null or e.user_pseudonym = v_user_pseudonym)
     order by e.occurred_at desc, e.event_id desc
     limit v_limit
  )
  -- Never the pseudonym itself: it would let a reader correlate users across filters.
  select coalesce(jsonb_agg(jsonb_build_object(
           'event_id', p.event_id,
           'occurred_at', p.occurred_at,
           'source', p.source,
           'type', p.type,
           'outcome', p.outcome,
           'user_id', p.user_id,
           'method', p.method,
           'provider', p.provider,
           'reason', p.reason,
           'ip', host(p.ip),
           'user_agent', p.user_agent) order by p.occurred_at desc, p.event_id desc), '[]'),
         count(*),
         (array_agg(floor(extract(epoch from p.occurred_at) * 1000000)::bigint || '_' || p.event_id
                    order by p.occurred_at, p.event_id))[1]
    into v_rows, v_count, v_last
    from page as p;
  return sealog.finish_request(p_ctx, v_auth, 200, null, jsonb_build_object(
    'events', v_rows,
    'next_cursor', case when v_count = v_limit then v_last end));
end
$$;
comment on function sealog_api.list_auth_events(jsonb, jsonb) is 'GET /tenant/auth-events (scope audit): one page of the key''s tenant''s auth events, newest first, filtered by time, type, outcome and user (id, or the keyed pseudonym of an email), with an opaque keyset cursor. The read writes its own access-log row.';

revoke all on function sealog_api.list_auth_events(jsonb, jsonb) from public, anon, authenticated, service_role;
grant execute on function sealog_api.list_auth_events(jsonb, jsonb) to sealog_edge;
