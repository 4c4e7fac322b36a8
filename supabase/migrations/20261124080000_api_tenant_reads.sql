/**
 * Tenant reads of the Edge Functions' API (GET /tenant/...): usage, live sessions, the tenant's
 * keys and its API access log. Each is one sealog_api call, like every write: authenticate with
 * the key's scope (read or audit), rate limit, read only the key's tenant, and write the
 * request's own access-log row (so reading the access log is itself logged).
 *
 * Parameters arrive validated by the Edge Function (bounds, enums, time zone, range within
 * retention); the functions here never build SQL from them: groupings are fixed expressions
 * switched on by name, filters are bound values.
 */

set local lock_timeout = '5s';
set local statement_timeout = '5min';

/** Section - Indexes */

-- The access log read newest first, by keyset (received_at, log_id), one tenant at a time.
-- The table ships in the same (first) release, so a plain index blocks no production writes.
-- squawk-ignore require-concurrent-index-creation
create index api_access_log_tenant_id_received_at_log_id_idx
  on sealog.api_access_log (tenant_id, received_at desc, log_id desc);
comment on index sealog.api_access_log_tenant_id_received_at_log_id_idx is 'Serves GET /tenant/access-log: one tenant''s rows newest first, with log_id breaking ties on time.';

-- Usage reads one tenant's events over a time range; the primary key leads with both.

/** Section - GET /tenant/usage */

create function sealog_api.get_usage(p_ctx jsonb, p_query jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
-- Sorting a 90-day read's parts by group (New York's: 3,200 rows with their histograms, about
-- 8 MB) spilled to disk with the default 4 MB.
set work_mem = '32MB'
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'read');
  v_from timestamptz := (p_query ->> 'from')::timestamptz;
  v_to timestamptz := (p_query ->> 'to')::timestamptz;
  v_granularity text := p_query ->> 'granularity';
  v_zone text := coalesce(p_query ->> 'time_zone', 'UTC');
  v_groups text[] := array(select jsonb_array_elements_text(coalesce(p_query -> 'group_by', '[]')));
  v_by_risk boolean;
  v_detailed boolean;
  v_body jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  v_by_risk := 'risk_tag' = any (v_groups);
  -- Grouped by neither agent nor status, the rollups summed over them suffice (14x fewer rows
  -- and histograms on the bench's seed).
  v_detailed := v_groups && array['agent_id', 'status'];

  -- Usage comes from the rollups (sealog.usage_parts: the fewest whole blocks of its levels, unfolded
  -- deltas, raw edges), aggregated into the series groups, and the totals from those groups.
  -- Grouped by risk tag, the series reads the per-tag rollups, where an event counts once per
  -- tag (untagged events under a null tag); the totals still count it once.
  with parts as (
    select false as per_tag, p.*
      from sealog.usage_parts(array[v_auth.tenant_id], v_from, v_to, false, v_granularity, v_zone,
                                 v_detailed) as p
    union all
    select true, p.*
      from sealog.usage_parts(array[v_auth.tenant_id], v_from, v_to, true, v_granularity, v_zone,
                                 v_detailed) as p
     where v_by_risk
  ),
  -- A signed bucket's head shared with the next bucket (also_at) is read once: its counts go to
  -- both, negated in the next; its histogram goes once, in latency_shared, and the function
  -- subtracts it from the same group's entry of next_bucket.
  groups as (
    select pa.per_tag,
           case when v_granularity is not null then date_trunc(v_granularity, v.at, v_zone) end as bucket,
           case when 'model' = any (v_groups) then pa.model end as g_model,
           case when 'provider' = any (v_groups) then pa.provider end as g_provider,
           case when 'agent_id' = any (v_groups) then pa.agent_id end as g_agent_id,
           case when 'status' = any (v_groups) then pa.status end as g_status,
           pa.risk_tag as g_risk_tag,
           sum(v.factor * pa.events) as events, sum(v.factor * pa.errors) as errors,
           sum(v.factor * pa.input_tokens) as input_tokens,
           sum(v.factor * pa.output_tokens) as output_tokens,
           sum(v.factor * pa.cache_read_input_tokens) as cache_read_input_tokens,
           sum(v.factor * pa.cache_creation_input_tokens) as cache_creation_input_tokens,
           sum(v.factor * pa.reasoning_tokens) as reasoning_tokens,
           sum(v.factor * pa.cost_micro_usd) as cost_micro_usd,
           sum(v.factor * pa.pii_or_secret_events) as pii_or_secret_events,
           -- The group's histograms as stored, not merged: the function merges them and reads
           -- p50/p95 (tenant/latency.ts), per bin far cheaper than jsonb_each_text here. Joined
           -- by commas into one string, copied whole through the jsonb reply, where a jsonb
           -- array would be rebuilt element by element at each step (docs/performance.md). The
           -- function adds each histogram's counts times its sign.
           string_agg(h.sent, ',') filter (where v.factor = 1 and pa.also_at is null) as latency_histograms,
           string_agg(h.sent, ',') filter (where v.factor = 1 and pa.also_at is not null) as latency_shared,
           max(date_trunc(v_granularity, pa.also_at, v_zone)) filter (where v.factor = 1) as next_bucket
      from parts as pa
     cross join lateral (values (pa.at, 1), (pa.also_at, -1)) as v(at, factor)
     cross join lateral (
       -- A histogram goes as [sign, bin, count, bin, count, ...], from the pairs the rollups keep
       -- printed: a read copies text, the reply holds no quote to escape, and the function
       -- parses arrays of numbers (performance.md).
       select case when pa.latency_pairs = '' then null
                   else '[' || pa.latency_sign || ',' || pa.latency_pairs || ']' end as sent
     ) as h
     where v.at is not null
     group by 1, 2, 3, 4, 5, 6, 7
  ),
  grouped as (
    select false as is_total, g.bucket, g.g_model, g.g_provider, g.g_agent_id, g.g_status,
           g.g_risk_tag, g.events, g.errors, g.input_tokens, g.output_tokens,
           g.cache_read_input_tokens, g.cache_creation_input_tokens, g.reasoning_tokens,
           g.cost_micro_usd, g.pii_or_secret_events, g.latency_histograms, g.latency_shared,
           g.next_bucket
      from groups as g
     where g.per_tag = v_by_risk
    union all
    -- The totals, from the groups of every event (one row even for an empty range).
    select true, null, null, null, null, null, null, coalesce(sum(g.events), 0),
           coalesce(sum(g.errors), 0), coalesce(sum(g.input_tokens), 0),
           coalesce(sum(g.output_tokens), 0), coalesce(sum(g.cache_read_input_tokens), 0),
           coalesce(sum(g.cache_creation_input_tokens), 0), coalesce(sum(g.reasoning_tokens), 0),
           coalesce(sum(g.cost_micro_usd), 0), coalesce(sum(g.pii_or_secret_events), 0),
           -- Grouped by risk tag, the series count an event under each tag, so the totals carry
           -- the histograms of every event once (a shared head counts + and - there: none);
           -- otherwise (null) the function adds the series'.
           case when v_by_risk then coalesce(string_agg(g.latency_histograms, ','), '') end,
           null, null
      from groups as g
     where not g.per_tag
  ),
  figured as (
    select gr.is_total, gr.events, gr.latency_shared, gr.bucket, gr.g_model, gr.g_provider,
           gr.g_agent_id, gr.g_status, gr.g_risk_tag,
           jsonb_build_object(
             'bucket', gr.bucket, 'model', gr.g_model, 'provider', gr.g_provider,
             'agent_id', gr.g_agent_id, 'status', gr.g_status, 'risk_tag', gr.g_risk_tag,
             'events', gr.events,
             'errors', gr.errors,
             'input_tokens', gr.input_tokens,
             'output_tokens', gr.output_tokens,
             'cache_read_input_tokens', gr.cache_read_input_tokens,
             'cache_creation_input_tokens', gr.cache_creation_input_tokens,
             'reasoning_tokens', gr.reasoning_tokens,
             'cost_micro_usd', gr.cost_micro_usd,
             'pii_or_secret_events', gr.pii_or_secret_events,
             -- The latency histograms whose merge gives p50/p95 (absent: no latency), and a
             -- shared head's, to subtract from next_bucket's entry of the group as well.
             'latency_histograms', gr.latency_histograms,
             'latency_shared', gr.latency_shared,
             'next_bucket', gr.next_bucket
           ) as figures
      from grouped as gr
  )
  select jsonb_build_object(
           'from', v_from,
           'to', v_to,
           'granularity', v_granularity,
           'time_zone', v_zone,
           'group_by', to_jsonb(v_groups),
           'totals', (select jsonb_strip_nulls(gr.figures)
                        from figured as gr
                       where gr.is_total),
           'series', coalesce((
             select jsonb_agg(jsonb_strip_nulls(gr.figures)
                              order by gr.bucket, gr.g_model, gr.g_provider, gr.g_agent_id,
                                       gr.g_status, gr.g_risk_tag)
               from figured as gr
              -- A group whose events were all deleted again nets to none: not listed (the
              -- function drops it, after subtracting its shared head where it carries one).
              where not gr.is_total
                and (gr.events <> 0 or gr.latency_shared is not null)), '[]'))
    into v_body;
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_body);
end
$$;
comment on function sealog_api.get_usage(jsonb, jsonb) is 'GET /tenant/usage (scope read): the key''s tenant''s event counts, tokens, cost, errors and latency histograms (the function reads p50/p95 from them) over [from, to), as totals and as a series by hour or day in a time zone, grouped by any of model, provider, agent_id, status and risk_tag; read from the usage rollups.';

/** Section - GET /tenant/sessions */

create function sealog_api.list_sessions(p_ctx jsonb, p_query jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'read');
  v_limit integer := coalesce((p_query ->> 'limit')::integer, 100);
  v_body jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  -- No end_user_id: the list shows activity, not who the agent served.
  select jsonb_build_object('sessions', coalesce(jsonb_agg(jsonb_build_object(
           'session_id', s.session_id,
           'calls', s.calls,
           'input_tokens', s.input_tokens,
           'output_tokens', s.output_tokens,
           'cost_micro_usd', s.cost_micro_usd,
           'first_seen_at', s.first_seen_at,
           'last_seen_at', s.last_seen_at,
           'last_activity_at', s.last_activity_at,
           'risk_tags', to_jsonb(s.risk_tags),
           'expires_at', s.expires_at) order by s.last_activity_at desc, s.session_id), '[]'))
    into v_body
    from (select *
            from sealog.session_state as live
           where live.tenant_id = v_auth.tenant_id
             and live.expires_at > now()
           order by live.last_activity_at desc, live.session_id
           limit least(greatest(v_limit, 1), 500)) as s;
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_body);
end
$$;
comment on function sealog_api.list_sessions(jsonb, jsonb) is 'GET /tenant/sessions (scope read): the key''s tenant''s live sessions (the 24-hour state), most recently active first, at most 500.';

/** Section - GET /tenant/keys */

create function sealog_api.list_keys(p_ctx jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'read');
  v_body jsonb;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  -- Never key_digest: a key is shown by its display prefix only.
  select jsonb_build_object('keys', coalesce(jsonb_agg(jsonb_build_object(
           'key_id', k.key_id,
           'prefix', k.display_prefix,
           'label', k.label,
           'scopes', to_jsonb(k.scopes),
           'created_at', k.created_at,
           'last_used_at', k.last_used_at,
           'expires_at', k.expires_at,
           'revoked_at', k.revoked_at) order by k.created_at desc, k.key_id), '[]'))
    into v_body
    from sealog.api_keys as k
   where k.tenant_id = v_auth.tenant_id;
  return sealog.finish_request(p_ctx, v_auth, 200, null, v_body);
end
$$;
comment on function sealog_api.list_keys(jsonb) is 'GET /tenant/keys (scope read): the key''s tenant''s keys, newest first: prefix, label, scopes, created, last used, expires, revoked; never a digest.';

/** Section - GET /tenant/access-log */

create function sealog_api.list_access_log(p_ctx jsonb, p_query jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.authenticate(p_ctx, 'audit');
  v_from timestamptz := (p_query ->> 'from')::timestamptz;
  v_to timestamptz := (p_query ->> 'to')::timestamptz;
  v_status integer := (p_query ->> 'status')::integer;
  v_key_prefix text := p_query ->> 'key_prefix';
  v_path text := p_query ->> 'path';
  -- The cursor: the last row seen, as (received_at in microseconds since the epoch, log_id);
  -- without one, the end of the range. Always compared, never "is null or": that form left the
  -- comparison out of the index condition of the cached plan, so each page reread every newer row.
  v_before_at timestamptz := coalesce(timestamptz 'epoch' + (p_query -> 'cursor' ->> 'before_us')::bigint * interval '1 microsecond', v_to);
  v_before_id bigint := coalesce((p_query -> 'cursor' ->> 'before_id')::bigint, 9223372036854775807);
  v_limit integer := least(greatest(coalesce((p_query ->> 'limit')::integer, 100), 1), 5000);
  v_ndjson boolean := coalesce((p_query ->> 'ndjson')::boolean, false);
  v_rows jsonb;
  v_text text;
  v_count integer;
  v_last_at timestamptz;
  v_last_id bigint;
begin
  if v_auth.status <> 200 then
    return sealog.finish_request(p_ctx, v_auth, v_auth.status, v_auth.error_code);
  end if;
  -- Newest first; (received_at, log_id) orders every row, so a keyset page neither repeats
  -- nor skips a row that was committed before the first page was read.
  with page as (
    select l.log_id, l.request_id, l.received_at, l.method, l.path, l.status_code, l.error_code,
           l.duration_ms, l.scope, l.caller_kind, l.user_agent, l.client_ip, k.display_prefix
      from sealog.api_access_log as l
      left join sealog.api_keys as k on k.key_id = l.key_id
     where l.tenant_id = v_auth.tenant_id
       and l.received_at >= v_from
       and l.received_at < v_to
       and (l.received_at, l.log_id) < (v_before_at, v_before_id)
       and (v_status is null or l.status_code = v_status)
       and (v_key_prefix is null or k.display_prefix = v_key_prefix)
       and (v_path is null or starts_with(l.path, v_path))
     order by l.received_at desc, l.log_id desc
     limit v_limit
  )
  -- Each entry's JSON text is written here once, for the page and the export alike: built by
  -- concatenation, with to_json quoting every string, at about half the cost per row of
  -- json_build_object (the export's time is mostly this rendering). A null field is left out.
  select case when not v_ndjson then coalesce('[' || string_agg(p.entry, ',' order by p.received_at desc, p.log_id desc) || ']', '[]')::jsonb end,
         -- The export's form: the page as NDJSON text, so that no layer parses it again.
         case when v_ndjson then string_agg(p.entry, e'\n' order by p.received_at desc, p.log_id desc) end,
         count(*),
         min(p.received_at),
         (array_agg(p.log_id order by p.received_at, p.log_id))[1]
    into v_rows, v_text, v_count, v_last_at, v_last_id
    from (select pg.received_at, pg.log_id,
                 concat('{"request_id":"', pg.request_id,
                        '","received_at":', to_json(pg.received_at),
                        ',"method":', to_json(pg.method),
                        ',"path":', to_json(pg.path),
                        ',"status":', pg.status_code,
                        ',"error_code":' || to_json(pg.error_code),
                        ',"duration_ms":', pg.duration_ms,
                        ',"scope":' || to_json(pg.scope),
                        ',"caller_kind":', to_json(pg.caller_kind),
                        ',"key_prefix":' || to_json(pg.display_prefix),
                        ',"user_agent":' || to_json(pg.user_agent),
                        ',"client_ip":' || to_json(host(pg.client_ip)),
                        '}') as entry
            from page as pg) as p;
  return sealog.finish_request(p_ctx, v_auth, 200, null, jsonb_build_object(
    'entries', case when not v_ndjson then v_rows end,
    'ndjson', v_text,
    -- A full page may have more behind it; a short one is the last.
    'next_cursor', case when v_count = v_limit
                        then floor(extract(epoch from v_last_at) * 1000000)::bigint || '_' || v_last_id end));
end
$$;
comment on function sealog_api.list_access_log(jsonb, jsonb) is 'GET /tenant/access-log (scope audit): one page of the key''s tenant''s API access log, newest first, filtered by time, status, key prefix and path prefix, with an opaque keyset cursor. The read writes its own access-log row.';

/** Section - Grants */

revoke all on function sealog_api.get_usage(jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.list_sessions(jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.list_keys(jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog_api.list_access_log(jsonb, jsonb) from public, anon, authenticated, service_role;
grant execute on function sealog_api.get_usage(jsonb, jsonb) to sealog_edge;
grant execute on function sealog_api.list_sessions(jsonb, jsonb) to sealog_edge;
grant execute on function sealog_api.list_keys(jsonb) to sealog_edge;
grant execute on function sealog_api.list_access_log(jsonb, jsonb) to sealog_edge;
