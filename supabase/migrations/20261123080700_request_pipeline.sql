/**
 * The request pipeline in the database.
 * Every sealog_api function runs the same steps in one transaction, so each HTTP request
 * costs one round trip: resolve the key, check the scope, take a rate-limit token, do the
 * work, write exactly one access-log row, and answer with a reply the Edge Function maps
 * onto HTTP. These helpers are SECURITY INVOKER and executable only by their owner: they
 * run inside the SECURITY DEFINER API functions.
 *
 * The request context (p_ctx jsonb) is built by _shared/pipeline.ts:
 *   request_id uuid, key_digest hex (SHA-256 of the bearer token), static_tenant_id uuid
 *   (set when the token matched SEALOG_TENANT_TOKEN_MAP), method, path (no query string),
 *   user_agent, client_ip, elapsed_ms (time spent before the database call),
 *   user_id (Supabase Auth user, when a user token was verified), status and error_code
 *   (for responses the pipeline decided itself), validation_failure {status, code} (the request
 *   failed validation in the Edge Function: answered only once the caller is authorised).
 */

/** Section - Types */

create type sealog.request_auth as (
  status smallint,
  error_code text,
  tenant_id uuid,
  key_id uuid,
  display_prefix text,
  scopes text[],
  scope text,
  rate_quota integer,
  rate_window integer,
  rate_remaining integer,
  rate_reset integer,
  retry_after integer,
  key_last_used_at timestamptz
);
comment on type sealog.request_auth is 'Outcome of authenticating a request: status 200 when admitted, else 401, 403, 429 or the request''s validation failure with a stable error code, plus rate-limit figures for the response headers (quota and window of the policy, remaining and reset) and the key''s last use as the lookup read it.';

/** Section - Callers */

-- The helpers run on every request are plpgsql, not sql: a SQL function that pins search_path
-- is never inlined, and PostgreSQL 15 parses and plans its body again in every transaction
-- (about 14 µs a call, a fifth of a single-event ingest's database time in all), where plpgsql
-- keeps its plans for the session (docs/performance.md, "Ingest's CPU per event and request").

create function sealog.caller_role()
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  -- Inside a SECURITY DEFINER function current_user is the owner; the caller is the role set
  -- on the session (`set role`), else the login.
  return coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user::text);
end
$$;
comment on function sealog.caller_role() is 'The database role that called the running sealog_api function: the role set on the session, else the login.';

create function sealog.caller_is_least_privileged()
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  -- The functions' login, or sealog_edge itself (tests and the migration owner set it). A
  -- pooler that silently dropped a startup role leaves postgres here, which is refused.
  return sealog.caller_role() in ('sealog_functions', 'sealog_edge');
end
$$;
comment on function sealog.caller_is_least_privileged() is 'True when the caller is the functions'' least-privileged login (sealog_functions) or sealog_edge; anything else is a misconfigured deployment.';

create function sealog.caller_kind(p_ctx jsonb)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  return case
    when nullif(p_ctx ->> 'user_id', '') is not null or p_ctx ->> 'caller' = 'user' then 'user'
    when p_ctx ->> 'caller' = 'operator' then 'operator'
    when nullif(p_ctx ->> 'hook_tenant_id', '') is not null then 'hook'
    when nullif(p_ctx ->> 'static_tenant_id', '') is not null then 'static_token'
    when nullif(p_ctx ->> 'key_digest', '') is not null then 'tenant_key'
    else 'none'
  end;
end
$$;
comment on function sealog.caller_kind(jsonb) is 'Kind of caller of a request, for the access log: user, operator, hook, static_token, tenant_key, or none without a credential.';

/** Section - Credential resolution */

create function sealog.resolve_credential(p_ctx jsonb, p_now timestamptz default now())
returns sealog.request_auth
language plpgsql
stable
set search_path = ''
as $$
declare
  v_auth sealog.request_auth;
  v_digest bytea := decode(coalesce(p_ctx ->> 'key_digest', ''), 'hex');
  v_static_tenant uuid := nullif(p_ctx ->> 'static_tenant_id', '')::uuid;
  v_usable boolean;
begin
  v_auth.status := 401;
  v_auth.error_code := 'unauthorized';
  -- One indexed lookup by digest for every key: valid, unknown, revoked and expired keys
  -- take the same path and the same single query, which reads a tenant row either way (an
  -- unknown key's is the reserved, disabled one); usability is decided after it.
  if v_static_tenant is null then
    select k.tenant_id, k.key_id, k.display_prefix, k.scopes::text[], k.last_used_at,
           k.revoked_at is null and (k.expires_at is null or k.expires_at > p_now) and t.disabled_at is null
      into v_auth.tenant_id, v_auth.key_id, v_auth.display_prefix, v_auth.scopes, v_auth.key_last_used_at, v_usable
      from (select v_digest as key_digest) as presented
      left join sealog.api_keys k on k.key_digest = presented.key_digest
      join sealog.tenants t on t.tenant_id = coalesce(k.tenant_id, sealog.unauthenticated_tenant_id());
  else
    -- The token matched the static map (compared in constant time by the function).
    select t.tenant_id, null::uuid, 'static'::text, array['ingest', 'auth-events', 'privacy', 'read', 'audit']::text[], t.disabled_at is null
      into v_auth.tenant_id, v_auth.key_id, v_auth.display_prefix, v_auth.scopes, v_usable
      from sealog.tenants t
     where t.tenant_id = v_static_tenant;
  end if;

  if coalesce(v_usable, false) then
    v_auth.status := 200;
    v_auth.error_code := null;
  else
    v_auth.tenant_id := null;
    v_auth.key_id := null;
    v_auth.display_prefix := null;
    v_auth.scopes := null;
    v_auth.key_last_used_at := null;
  end if;
  return v_auth;
end
$$;
comment on function sealog.resolve_credential(jsonb, timestamptz) is 'Resolves the request''s key digest (or static-map tenant) to its tenant, key and scopes; status 401 for a missing, unknown, revoked or expired key or a disabled tenant.';

/** Section - Rate limiting */

create function sealog.take_rate_limit_token(p_auth sealog.request_auth, p_now timestamptz default now())
returns sealog.request_auth
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_rate integer;
  v_burst integer;
  v_shards integer;
  v_home integer;
  -- A shard holds its whole-token share of the burst, the remainder going to the first
  -- shards so that the shares add up to it: v_base, plus one below shard v_extra.
  v_base integer;
  v_extra integer;
  v_capacity integer;
  v_stored bigint;
  v_sum double precision;
  v_wait double precision;
  v_first integer;
  v_shard integer;
  v_shard_tokens double precision;
  v_tokens double precision;
begin
  select t.rate_limit_per_second, t.rate_limit_burst
    into v_rate, v_burst
    from sealog.tenants t
   where t.tenant_id = p_auth.tenant_id;
  v_shards := least(16, v_burst);
  v_base := v_burst / v_shards;
  v_extra := v_burst % v_shards;
  -- Each pooled connection starts at a shard of its own, so concurrent requests rarely meet.
  v_home := pg_catalog.pg_backend_pid() % v_shards;

  for v_attempt in 1..2 loop
    -- The tenant's shards, read once: one range scan of the primary key, written inline (a
    -- helper pinning search_path is never inlined, and cost a quarter of a request). A shard
    -- refills at its share of the rate since refilled_at, up to its capacity, so all of them
    -- empty and fill together. Out of the scan: their tokens' sum, the soonest one regains a
    -- token, and the first with a token counting from the home shard (its offset from it).
    -- `offset 0` keeps each shard's tokens one expression: pulled up, the planner copied it
    -- into each of the three aggregates that read it, and every request built the copies
    -- again (3.5% of a single-event ingest's instructions, docs/performance.md).
    select count(*), coalesce(sum(s.tokens), 0), min((1 - s.tokens) / s.rate),
           min((s.shard - v_home + v_shards) % v_shards) filter (where s.tokens >= 1)
      into v_stored, v_sum, v_wait, v_first
      from (select b.shard, c.rate,
                   least(c.capacity, b.tokens + greatest(pg_catalog.date_part('epoch', p_now - b.refilled_at), 0) * c.rate) as tokens
              from sealog.rate_limit_buckets b
             cross join lateral (select v_base + (b.shard < v_extra)::integer as capacity) as k
             cross join lateral (select k.capacity, v_rate * k.capacity::double precision / v_burst as rate) as c
             where b.tenant_id = p_auth.tenant_id
               and b.shard < v_shards
            offset 0) as s;

    -- Lock a shard with a token that no request in flight holds, without waiting: a
    -- primary-key probe from that first one on, in the common case one probe only. The lock
    -- lasts until commit but serialises only the requests that would take this very shard.
    -- Only when every shard with a token is held (the pass after the last) does it wait, for
    -- the first, holding none it could take (a probe whose recheck failed keeps, as any
    -- `for update` does, the lock of the shard just emptied), then probe it as left.
    -- The tokens taken are those of the locked version: the probe computes them from the
    -- locked row itself, and under READ COMMITTED a row changed since the probe's snapshot
    -- is locked in its newest version and the probe re-evaluated on it (EvalPlanQual), so a
    -- shard emptied meanwhile fails `tokens >= 1` and is passed over.
    -- (No shard with a token, v_first null: no pass at all.)
    for v_offset in coalesce(v_first, v_shards + 1)..v_shards loop
      v_shard := (v_home + v_offset) % v_shards;
      if v_offset = v_shards then
        v_shard := (v_home + v_first) % v_shards;
        perform
          from sealog.rate_limit_buckets b
         where b.tenant_id = p_auth.tenant_id
           and b.shard = v_shard
           for update;
      end if;
      v_capacity := v_base + (v_shard < v_extra)::integer;
      select s.tokens
        into v_shard_tokens
        from sealog.rate_limit_buckets b
       cross join lateral (
         select least(v_capacity, b.tokens + greatest(pg_catalog.date_part('epoch', p_now - b.refilled_at), 0)
                                  * (v_rate * v_capacity::double precision / v_burst)) as tokens
       ) as s
       where b.tenant_id = p_auth.tenant_id
         and b.shard = v_shard
         and s.tokens >= 1
         for update of b skip locked;
      exit when v_shard_tokens is not null;
    end loop;
    exit when v_shard_tokens is not null;
    -- A tenant's first request (or the first after a week idle), or a burst raised to more
    -- shards than it had: the missing shards start full. A concurrent first request waits
    -- here for the one that inserts them, then takes one in the second attempt; when every
    -- shard existed and was empty, the second attempt finds them empty again.
    if v_stored < v_shards then
      insert into sealog.rate_limit_buckets (tenant_id, shard, tokens, refilled_at, last_allowed)
      select p_auth.tenant_id, s.shard, v_base + (s.shard < v_extra)::integer, p_now, true
        from generate_series(0, v_shards - 1) as s(shard)
      on conflict do nothing;
    end if;
  end loop;

  v_tokens := v_sum;
  if v_shard_tokens is not null then
    update sealog.rate_limit_buckets b
       set tokens = v_shard_tokens - 1,
           refilled_at = greatest(b.refilled_at, p_now),
           last_allowed = true
     where b.tenant_id = p_auth.tenant_id
       and b.shard = v_shard;
    -- The tenant's tokens without a second pass: the scan's sum, less the token taken, so
    -- the tokens as committed when the scan began, microseconds before the take. Requests
    -- that commit in between are not subtracted, as those still in flight are not by any
    -- read; the figure decides nothing (admission is the lock above), and other requests
    -- change it the moment it is sent.
    v_tokens := v_sum - 1;
  end if;
  -- The policy is the bucket: `burst` requests, refilled from empty in burst / rate seconds.
  p_auth.rate_quota := v_burst;
  p_auth.rate_window := ceil(v_burst::numeric / v_rate);
  p_auth.rate_remaining := floor(v_tokens);
  p_auth.rate_reset := ceil((v_burst - v_tokens) / v_rate);
  if v_shard_tokens is null then
    p_auth.status := 429;
    p_auth.error_code := 'rate_limited';
    p_auth.retry_after := greatest(1, ceil(v_wait));
  end if;
  return p_auth;
end
$$;
comment on function sealog.take_rate_limit_token(sealog.request_auth, timestamptz) is 'Takes one token from a free shard of the tenant''s bucket (refilled at rate_limit_per_second up to rate_limit_burst in all), waiting only when every shard with a token is held; status 429 with Retry-After when all are empty.';

/** Section - Validation failures */

create function sealog.apply_validation_failure(p_ctx jsonb, p_auth sealog.request_auth)
returns sealog.request_auth
language plpgsql
immutable
set search_path = ''
as $$
declare
  -- Read for every request, admitted or not, so that no key takes a different path.
  v_status integer := (p_ctx #>> '{validation_failure,status}')::integer;
  v_code text := p_ctx #>> '{validation_failure,code}';
begin
  -- Only an admitted caller learns that its request was invalid: a bad key still gets its
  -- 401, a key without the route's scope its 403, an empty bucket its 429.
  if p_auth.status = 200 and v_status between 400 and 499 and v_code is not null then
    p_auth.status := v_status;
    p_auth.error_code := v_code;
  end if;
  return p_auth;
end
$$;
comment on function sealog.apply_validation_failure(jsonb, sealog.request_auth) is 'Turns an admitted request into its validation failure (p_ctx.validation_failure {status, code}, a 4xx sent by the Edge Function), so that validation is answered only after authentication, scope and rate limit, in the same round trip.';

/** Section - Authentication */

create function sealog.misconfigured(p_auth sealog.request_auth)
returns sealog.request_auth
language plpgsql
immutable
set search_path = ''
as $$
begin
  -- Fail closed: a privileged caller is never served; the access log keeps its role.
  p_auth.status := 500;
  p_auth.error_code := 'database_misconfigured';
  p_auth.tenant_id := null;
  p_auth.key_id := null;
  p_auth.scopes := null;
  return p_auth;
end
$$;
comment on function sealog.misconfigured(sealog.request_auth) is 'The refusal of a request that reached the API through a role other than the least-privileged one: 500 database_misconfigured, attributed to no tenant.';

create function sealog.authenticate(p_ctx jsonb, p_scope text, p_now timestamptz default now())
returns sealog.request_auth
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_auth sealog.request_auth := sealog.resolve_credential(p_ctx, p_now);
  v_bucket sealog.request_auth := v_auth;
begin
  v_auth.scope := p_scope;
  if not sealog.caller_is_least_privileged() then
    return sealog.misconfigured(v_auth);
  end if;
  -- Every request runs the same statements whatever its key, so that valid and invalid keys
  -- cost the same (timing-safe): a key without a usable tenant takes its token from the
  -- reserved bucket of unauthenticated requests.
  v_bucket.tenant_id := coalesce(v_auth.tenant_id, sealog.unauthenticated_tenant_id());
  v_bucket := sealog.take_rate_limit_token(v_bucket, p_now);
  -- The figures travel in every reply, so its shape does not depend on the key either; the
  -- Edge Function sends none of them with a 401 (the reserved bucket is nobody's to report).
  v_auth.rate_quota := v_bucket.rate_quota;
  v_auth.rate_window := v_bucket.rate_window;
  v_auth.rate_remaining := v_bucket.rate_remaining;
  v_auth.rate_reset := v_bucket.rate_reset;
  if v_auth.status <> 200 then
    null; -- 401 even when the reserved bucket is empty: a bad key is told so, not to wait
  elsif p_scope is not null and not (p_scope = any (v_auth.scopes)) then
    v_auth.status := 403;
    v_auth.error_code := 'insufficient_scope';
  else
    v_auth.status := v_bucket.status;
    v_auth.error_code := v_bucket.error_code;
    v_auth.retry_after := v_bucket.retry_after;
  end if;
  v_auth := sealog.apply_validation_failure(p_ctx, v_auth);
  -- The last use, written at most once a minute per key so that a busy key does not rewrite
  -- its row on every request, and decided from the row the lookup already read: no statement
  -- runs for a refused key nor for a key used within the minute, so neither costs more than
  -- the other (a probe that found the key's row cost a valid key about 6 µs more).
  -- The row stays locked until commit, across the rest of the request: a request that finds it
  -- locked leaves the write to the one in flight (skip locked) instead of waiting for its
  -- commit, so no request of the key waits for another's.
  if v_auth.status = 200 and v_auth.key_id is not null
     and (v_auth.key_last_used_at is null or v_auth.key_last_used_at < p_now - interval '1 minute') then
    update sealog.api_keys
       set last_used_at = p_now
     where key_id = (select k.key_id
                       from sealog.api_keys k
                      where k.key_id = v_auth.key_id
                        and (k.last_used_at is null or k.last_used_at < p_now - interval '1 minute')
                        for no key update skip locked);
  end if;
  return v_auth;
end
$$;
comment on function sealog.authenticate(jsonb, text, timestamptz) is 'Resolves the credential, checks the route''s scope (403), takes a rate-limit token (429) and only then answers the request''s validation failure (sealog.apply_validation_failure); status 200 when the request may proceed. Unknown keys take a token from the reserved bucket of unauthenticated requests, so that every key runs the same statements; the last use is written at most once a minute per key.';

/** Section - The single exit: access log and reply */

create function sealog.finish_request(
  p_ctx jsonb,
  p_auth sealog.request_auth,
  p_status integer,
  p_error_code text default null,
  p_body jsonb default null
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
begin
  insert into sealog.api_access_log (
    request_id, tenant_id, key_id, scope, user_id, method, path,
    status_code, error_code, duration_ms, user_agent, client_ip, caller_kind, db_role
  )
  values (
    (p_ctx ->> 'request_id')::uuid,
    p_auth.tenant_id,
    p_auth.key_id,
    p_auth.scope,
    nullif(p_ctx ->> 'user_id', '')::uuid,
    p_ctx ->> 'method',
    left(split_part(p_ctx ->> 'path', '?', 1), 256),
    p_status,
    p_error_code,
    coalesce((p_ctx ->> 'elapsed_ms')::integer, 0)
      + floor(extract(epoch from clock_timestamp() - statement_timestamp()) * 1000)::integer,
    left(p_ctx ->> 'user_agent', 256),
    nullif(p_ctx ->> 'client_ip', '')::inet,
    sealog.caller_kind(p_ctx),
    left(sealog.caller_role(), 63)
  );

  -- Every key is always present (null when not applicable), so the reply's shape does not
  -- depend on whether the key was valid; the body alone is stripped of nulls.
  return jsonb_build_object(
    'status', p_status,
    'code', p_error_code,
    'body', jsonb_strip_nulls(p_body),
    'retry_after', p_auth.retry_after,
    'rate_limit', case when p_auth.rate_quota is not null then jsonb_build_object(
      'quota', p_auth.rate_quota,
      'window', p_auth.rate_window,
      'remaining', p_auth.rate_remaining,
      'reset', p_auth.rate_reset
    ) end
  );
end
$$;
comment on function sealog.finish_request(jsonb, sealog.request_auth, integer, text, jsonb) is 'Writes the request''s one access-log row (metadata only) and builds the reply {status, code, body, retry_after, rate_limit} that the Edge Function maps onto HTTP.';

create function sealog.finish_batch(
  p_ctx jsonb,
  p_auth sealog.request_auth,
  p_valid integer,
  p_accepted integer
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  -- p_ctx.rejected_count: events the Edge Function rejected before the call.
  v_status integer := case
                        when coalesce((p_ctx ->> 'rejected_count')::integer, 0) = 0 then 200
                        when p_valid > 0 then 207
                        else 422
                      end;
begin
  return sealog.finish_request(
    p_ctx, p_auth, v_status,
    case when v_status = 422 then 'no_valid_events' end,
    jsonb_build_object('accepted', p_accepted, 'duplicates', p_valid - p_accepted)
  );
end
$$;
comment on function sealog.finish_batch(jsonb, sealog.request_auth, integer, integer) is 'Finishes a batch request: 200 when no event was rejected, 207 when some were and others valid, 422 (no_valid_events) when none was valid; the body counts accepted and duplicate events.';

/** Section - Grants: owner only */

revoke all on function sealog.caller_role() from public, anon, authenticated, service_role;
revoke all on function sealog.caller_is_least_privileged() from public, anon, authenticated, service_role;
revoke all on function sealog.caller_kind(jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog.misconfigured(sealog.request_auth) from public, anon, authenticated, service_role;
revoke all on function sealog.resolve_credential(jsonb, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog.take_rate_limit_token(sealog.request_auth, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog.apply_validation_failure(jsonb, sealog.request_auth) from public, anon, authenticated, service_role;
revoke all on function sealog.authenticate(jsonb, text, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog.finish_request(jsonb, sealog.request_auth, integer, text, jsonb) from public, anon, authenticated, service_role;
revoke all on function sealog.finish_batch(jsonb, sealog.request_auth, integer, integer) from public, anon, authenticated, service_role;
