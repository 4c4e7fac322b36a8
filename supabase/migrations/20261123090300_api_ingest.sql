/**
 * Ingest operations of the Edge Functions' API. POST /ingest is one round trip: this one
 * function authenticates, rate limits, stores the batch, updates session totals and writes
 * the access-log row, and the Edge Function answers 2xx only after it commits.
 */

/** Section - POST /ingest */

create function sealog_api.ingest(p_ctx jsonb, p_events jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'ingest');
  v_valid integer := jsonb_array_length(p_events);
  v_accepted integer;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;

  -- Events arrive validated and truncated by the Edge Function; the domains check them again.
  -- Rows are inserted in key order so that concurrent batches lock in the same order. The
  -- primary key (tenant_id, occurred_at, event_id) drops a resent event: only fresh rows are
  -- returned, so session totals count each event once (README "Idempotency"). A repeated key
  -- within the batch keeps its first copy; the one sort that finds them also gives the
  -- insert its order.
  with input as (
    select distinct on (e.occurred_at, e.event_id) e.*
      from jsonb_to_recordset(p_events) as e(
        i integer, event_id uuid, session_id text, occurred_at timestamptz, model text, provider text,
        input_tokens bigint, output_tokens bigint, cache_read_input_tokens bigint,
        cache_creation_input_tokens bigint, reasoning_tokens bigint, latency_ms bigint,
        cost_micro_usd bigint, status text, error_type text, risk_tags text[], end_user_id text,
        agent_id text)
     order by e.occurred_at, e.event_id, e.i
  ),
  stored as (
    insert into sealog.llm_request_logs (
      tenant_id, occurred_at, event_id, session_id, model, provider, input_tokens, output_tokens,
      cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, latency_ms,
      cost_micro_usd, status, error_type, risk_tags, end_user_id, agent_id
    )
    select v_auth.tenant_id, input.occurred_at, input.event_id, input.session_id, input.model,
           input.provider, input.input_tokens, input.output_tokens, input.cache_read_input_tokens,
           input.cache_creation_input_tokens, input.reasoning_tokens, input.latency_ms,
           input.cost_micro_usd, input.status, input.error_type, input.risk_tags,
           input.end_user_id, input.agent_id
      from input
     order by input.occurred_at, input.event_id
    on conflict do nothing
    returning session_id, occurred_at, input_tokens, output_tokens, cost_micro_usd, risk_tags, end_user_id
  ),
  -- Each session's totals and tags in one grouped pass: every stored row once as itself,
  -- which the totals count, then once per risk tag, which the tags collect. (A subquery
  -- per session rescanned all the rows, sessions x events; a second grouping of the tags
  -- joined to the first cost every request its sort and join: docs/performance.md.)
  per_session as (
    select st.session_id,
           count(*) filter (where k.is_row) as calls,
           least(sum(st.input_tokens) filter (where k.is_row), 9007199254740991) as input_tokens,
           least(sum(st.output_tokens) filter (where k.is_row), 9007199254740991) as output_tokens,
           least(coalesce(sum(st.cost_micro_usd) filter (where k.is_row), 0), 9007199254740991) as cost_micro_usd,
           min(st.occurred_at) as first_seen_at,
           max(st.occurred_at) as last_seen_at,
           (array_agg(st.end_user_id order by st.occurred_at desc)
              filter (where k.is_row and st.end_user_id is not null))[1] as end_user_id,
           coalesce((array_agg(distinct k.tag order by k.tag) filter (where not k.is_row))[1:256], '{}') as risk_tags
      from stored as st
     cross join lateral (select true as is_row, null::sealog.risk_tag as tag
                         union all
                         select false, t.tag from unnest(st.risk_tags) as t(tag)) as k
     group by st.session_id
  ),
  sessions as (
    insert into sealog.session_state as s (
      tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd, first_seen_at,
      last_seen_at, risk_tags, end_user_id, last_activity_at, expires_at
    )
    select v_auth.tenant_id, ps.session_id, ps.calls, ps.input_tokens, ps.output_tokens,
           ps.cost_micro_usd, ps.first_seen_at, ps.last_seen_at, ps.risk_tags,
           ps.end_user_id, now(), now() + interval '24 hours'
      from per_session as ps
     order by ps.session_id
    on conflict (tenant_id, session_id) do update set
      -- A session past its expiry that the purge has not removed yet starts afresh. Totals
      -- saturate at 2^53-1, so that hostile counts cannot overflow one and wedge a session
      -- (both terms are at most that, so their sum fits a bigint); written inline, as a helper
      -- pinning search_path would be called, not inlined, for every row.
      calls = case when s.expires_at <= now() then excluded.calls else least(s.calls + excluded.calls, 9007199254740991) end,
      input_tokens = case when s.expires_at <= now() then excluded.input_tokens else least(s.input_tokens + excluded.input_tokens, 9007199254740991) end,
      output_tokens = case when s.expires_at <= now() then excluded.output_tokens else least(s.output_tokens + excluded.output_tokens, 9007199254740991) end,
      cost_micro_usd = case when s.expires_at <= now() then excluded.cost_micro_usd else least(s.cost_micro_usd + excluded.cost_micro_usd, 9007199254740991) end,
      first_seen_at = case when s.expires_at <= now() then excluded.first_seen_at else least(s.first_seen_at, excluded.first_seen_at) end,
      last_seen_at = case when s.expires_at <= now() then excluded.last_seen_at else greatest(s.last_seen_at, excluded.last_seen_at) end,
      risk_tags = (select coalesce(array_agg(distinct tag order by tag), '{}')
                     from unnest(case when s.expires_at <= now() then excluded.risk_tags
                                      else s.risk_tags || excluded.risk_tags end) as tag)[1:256],
      end_user_id = coalesce(excluded.end_user_id, case when s.expires_at > now() then s.end_user_id end),
      last_activity_at = now(),
      expires_at = now() + interval '24 hours'
    returning 1
  )
  select count(*) into v_accepted from stored;
  return sealog.finish_batch(p_ctx, v_auth, v_valid, v_accepted);
end
$$;
comment on function sealog_api.ingest(jsonb, jsonb) is 'POST /ingest: stores a validated batch once per event id, updates session totals, and reports accepted and duplicate counts; 200, 207 (some rejected by the Edge Function) or 422 (none valid).';

/** Section - POST /ingest, requests grouped into one transaction */

-- When the pool is busy, the Edge Function sends the POST /ingest requests that waited, each
-- within one session, as one call here (_shared/ingest_groups.ts): one commit, so one WAL flush,
-- for the group instead of one per request. Each request is still whole on its own:
-- sealog_api.ingest authenticates it, takes its token, stores its events in its own tenant's
-- rows and writes its access-log row, exactly as when it is sent alone. The group commits or
-- fails as one; after a failure the Edge Function sends each request alone. The Edge Function
-- orders a group by key and session, so that concurrent groups lock a tenant's session rows in
-- one order. A group may hold several tenants' requests, so it waits for a lock 200 ms at most:
-- a request held by a lock on its own tenant's rows (an erasure, a concurrent resend) sends the
-- group back to be sent request by request, and delays the other tenants' requests that long.
create function sealog_api.ingest_group(p_calls jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '200ms'
as $$
declare
  v_call jsonb;
  v_replies jsonb := '[]'::jsonb;
begin
  if jsonb_typeof(p_calls) is distinct from 'array' or jsonb_array_length(p_calls) not between 1 and 64 then
    raise exception 'sealog_api.ingest_group takes an array of 1 to 64 requests' using errcode = '22023';
  end if;
  for v_call in select c.value from jsonb_array_elements(p_calls) as c loop
    v_replies := v_replies || jsonb_build_array(sealog_api.ingest(v_call -> 'ctx', v_call -> 'events'));
  end loop;
  return v_replies;
end
$$;
comment on function sealog_api.ingest_group(jsonb) is 'POST /ingest for a group of requests [{ctx, events}] in one transaction, in the order given: each is answered by sealog_api.ingest as if alone; the replies come back in the same order. One commit for the group; all or none; a lock is waited for 200 ms at most.';

/** Section - GET /ingest/sessions/{session_id} */

create function sealog_api.get_session(p_ctx jsonb, p_session_id text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'ingest');
  v_body jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  select jsonb_build_object(
           'session_id', s.session_id,
           'calls', s.calls,
           'input_tokens', s.input_tokens,
           'output_tokens', s.output_tokens,
           'cost_micro_usd', s.cost_micro_usd,
           'first_seen_at', s.first_seen_at,
           'last_seen_at', s.last_seen_at,
           'risk_tags', to_jsonb(s.risk_tags),
           'expires_at', s.expires_at)
    into v_body
    from sealog.session_state s
   where s.tenant_id = v_auth.tenant_id
     and s.session_id = p_session_id
     and s.expires_at > now();
  -- Unknown, expired and other tenants' sessions look the same.
  if v_body is null then
    return sealog.finish_request(p_ctx, v_auth, 404, 'session_not_found');
  end if;
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_body);
end
$$;
comment on function sealog_api.get_session(jsonb, text) is 'GET /ingest/sessions/{session_id}: the running totals of a live session of the key''s tenant; 404 for unknown, expired or foreign sessions alike.';

revoke all on function sealog_api.ingest(jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.get_session(jsonb, text) from public, anon, authenticated, service_role;
revoke all on function sealog_api.ingest_group(jsonb) from public, anon, authenticated, service_role;
grant execute on function sealog_api.ingest(jsonb, jsonb) to sealog_edge;
grant execute on function sealog_api.get_session(jsonb, text) to sealog_edge;
grant execute on function sealog_api.ingest_group(jsonb) to sealog_edge;
