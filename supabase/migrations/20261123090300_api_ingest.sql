/**
 * Ingest operations of the Edge Functions' API. POST /ingest is one round trip: this one
 * function authenticates, rate limits, stores the batch, updates session totals and writes
 * the access-log row, and the Edge Function answers 2xx only after it commits.
 */

/** Section - Storing the events of one or more requests */

-- One statement stores the events of every request given, so that a group of requests
-- (sealog_api.ingest_group) costs one insert, one session upsert and one usage-delta statement,
-- not one of each per request. p_tenants[n] is request n's tenant, null when it was refused:
-- its events are not stored. Returns the events stored per request, in the order given.
create function sealog.store_events(p_tenants uuid[], p_batches jsonb[])
returns integer[]
language plpgsql
volatile
set search_path = ''
-- The arrays' lengths are known to a custom plan and not to the generic one, so the plan
-- cache would keep planning this statement afresh on every call (measured: a single-event
-- request's call 0.95 ms instead of 0.49); one plan serves every batch and group size.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_accepted integer[];
begin
  -- Events arrive validated and truncated by the Edge Function; the domains check them again.
  -- Rows are inserted in key order so that concurrent statements lock in the same order. The
  -- primary key (tenant_id, occurred_at, event_id) drops a resent event: only fresh rows are
  -- returned, so session totals count each event once (README "Idempotency"). A repeated key
  -- within the statement keeps its first copy, of the earliest request: a resend in the same
  -- group is a duplicate, as when sent after it. The one sort that finds them also gives the
  -- insert its order.
  with input as (
    select distinct on (b.tenant_id, e.occurred_at, e.event_id) b.n, b.tenant_id, e.*
      from unnest(p_tenants, p_batches) with ordinality as b(tenant_id, events, n)
     cross join lateral jsonb_to_recordset(b.events) as e(
        i integer, event_id uuid, session_id text, occurred_at timestamptz, model text, provider text,
        input_tokens bigint, output_tokens bigint, cache_read_input_tokens bigint,
        cache_creation_input_tokens bigint, reasoning_tokens bigint, latency_ms bigint,
        cost_micro_usd bigint, status text, error_type text, risk_tags text[], end_user_id text,
        agent_id text)
     where b.tenant_id is not null
     order by b.tenant_id, e.occurred_at, e.event_id, b.n, e.i
  ),
  stored as (
    insert into sealog.llm_request_logs (
      tenant_id, occurred_at, event_id, session_id, model, provider, input_tokens, output_tokens,
      cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, latency_ms,
      cost_micro_usd, status, error_type, risk_tags, end_user_id, agent_id
    )
    select input.tenant_id, input.occurred_at, input.event_id, input.session_id, input.model,
           input.provider, input.input_tokens, input.output_tokens, input.cache_read_input_tokens,
           input.cache_creation_input_tokens, input.reasoning_tokens, input.latency_ms,
           input.cost_micro_usd, input.status, input.error_type, input.risk_tags,
           input.end_user_id, input.agent_id
      from input
     order by input.tenant_id, input.occurred_at, input.event_id
    on conflict do nothing
    returning tenant_id, occurred_at, event_id, session_id, input_tokens, output_tokens,
              cost_micro_usd, risk_tags, end_user_id
  ),
  -- Each session's totals and tags in one grouped pass: every stored row once as itself,
  -- which the totals count, then once per risk tag, which the tags collect. (A subquery
  -- per session rescanned all the rows, sessions x events; a second grouping of the tags
  -- joined to the first cost every request its sort and join: docs/performance.md.)
  per_session as (
    select st.tenant_id, st.session_id,
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
     group by st.tenant_id, st.session_id
  ),
  sessions as (
    insert into sealog.session_state as s (
      tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd, first_seen_at,
      last_seen_at, risk_tags, end_user_id, last_activity_at, expires_at
    )
    select ps.tenant_id, ps.session_id, ps.calls, ps.input_tokens, ps.output_tokens,
           ps.cost_micro_usd, ps.first_seen_at, ps.last_seen_at, ps.risk_tags,
           ps.end_user_id, now(), now() + interval '24 hours'
      from per_session as ps
     order by ps.tenant_id, ps.session_id
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
  ),
  -- The rows each request stored: a stored row is its input row (one per key), which names it.
  per_request as (
    select input.n, count(*)::integer as stored
      from stored
      join input using (tenant_id, occurred_at, event_id)
     group by input.n
  )
  -- One request (every call but a group's) needs no join to say what it stored.
  select case
           when cardinality(p_tenants) = 1 then array[(select count(*)::integer from stored)]
           else (select array_agg(coalesce(r.stored, 0) order by g.n)
                   from generate_series(1, cardinality(p_tenants)) as g(n)
                   left join per_request as r on r.n = g.n)
         end
    into v_accepted;
  return v_accepted;
end
$$;
comment on function sealog.store_events(uuid[], jsonb[]) is 'Stores the validated events of one or more POST /ingest requests (request n''s under p_tenants[n], none when null) in one statement, once per event id, and adds them to their sessions'' totals; returns the events stored per request.';

/** Section - POST /ingest */

create function sealog_api.ingest(p_ctx jsonb, p_events jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'ingest');
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  return sealog.finish_batch(
    p_ctx, v_auth, jsonb_array_length(p_events),
    (sealog.store_events(array[v_auth.tenant_id], array[p_events]))[1]);
end
$$;
comment on function sealog_api.ingest(jsonb, jsonb) is 'POST /ingest: stores a validated batch once per event id, updates session totals, and reports accepted and duplicate counts; 200, 207 (some rejected by the Edge Function) or 422 (none valid).';

/** Section - POST /ingest, requests grouped into one transaction */

-- When the pool is busy, the Edge Function sends the POST /ingest requests that waited as one
-- call here (_shared/ingest_groups.ts): one commit, so one WAL flush, for the group instead of
-- one per request, and one statement storing every admitted request's events
-- (sealog.store_events). Each request is still whole on its own: it is authenticated and
-- takes its token in the order given, its events are stored in its own tenant's rows, and it
-- writes its access-log row, exactly as when it is sent alone. The group commits or fails as
-- one; after a failure the Edge Function sends each request alone. A group may hold several
-- tenants' requests, so it waits for a lock 200 ms at most: a request held by a lock on its own
-- tenant's rows (an erasure, a concurrent resend) sends the group back to be sent request by
-- request, and delays the other tenants' requests that long.
create function sealog_api.ingest_group(p_calls jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '200ms'
as $$
declare
  v_ctx jsonb[];
  v_events jsonb[];
  v_auth sealog.request_auth[];
  v_tenants uuid[];
  v_accepted integer[];
  v_replies jsonb := '[]'::jsonb;
begin
  if jsonb_typeof(p_calls) is distinct from 'array' or jsonb_array_length(p_calls) not between 1 and 64 then
    raise exception 'sealog_api.ingest_group takes an array of 1 to 64 requests' using errcode = '22023';
  end if;
  select array_agg(c.value -> 'ctx' order by c.n), array_agg(c.value -> 'events' order by c.n)
    into v_ctx, v_events
    from jsonb_array_elements(p_calls) with ordinality as c(value, n);
  for n in 1 .. cardinality(v_ctx) loop
    v_auth[n] := sealog.authenticate(v_ctx[n], 'ingest');
    v_tenants[n] := case when (v_auth[n]).status = 200 then (v_auth[n]).tenant_id end;
  end loop;
  v_accepted := sealog.store_events(v_tenants, v_events);
  for n in 1 .. cardinality(v_ctx) loop
    v_replies := v_replies || jsonb_build_array(case
      when (v_auth[n]).status <> 200
        then sealog.finish_request(v_ctx[n], v_auth[n], (v_auth[n]).status, (v_auth[n]).error_code)
      else sealog.finish_batch(v_ctx[n], v_auth[n], jsonb_array_length(v_events[n]), v_accepted[n])
    end);
  end loop;
  return v_replies;
end
$$;
comment on function sealog_api.ingest_group(jsonb) is 'POST /ingest for a group of requests [{ctx, events}] in one transaction, in the order given: each is authenticated and answered as if alone, and every admitted request''s events are stored by one statement; the replies come back in the same order. One commit for the group; all or none; a lock is waited for 200 ms at most.';

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

revoke all on function sealog.store_events(uuid[], jsonb[]) from public, anon, authenticated, service_role;
revoke all on function sealog_api.ingest(jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.get_session(jsonb, text) from public, anon, authenticated, service_role;
revoke all on function sealog_api.ingest_group(jsonb) from public, anon, authenticated, service_role;
grant execute on function sealog_api.ingest(jsonb, jsonb) to sealog_edge;
grant execute on function sealog_api.get_session(jsonb, text) to sealog_edge;
grant execute on function sealog_api.ingest_group(jsonb) to sealog_edge;
