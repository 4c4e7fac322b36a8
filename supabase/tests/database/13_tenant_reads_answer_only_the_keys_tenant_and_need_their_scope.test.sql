-- The tenant read functions (GET /tenant/*) answer only the key's tenant, only with the
-- route's scope (read for usage, sessions and keys; audit for the access log), never show a
-- key digest, and write the read's own access-log row. No API role may change the trails.
begin;
select plan(12);

select sealog_admin.issue_key(sealog_admin.create_tenant('reads a'), sha256('a-read'::bytea), 'slg_live_rda1', array['read']);
select sealog_admin.issue_key((select tenant_id from sealog.api_keys where key_digest = sha256('a-read'::bytea)),
  sha256('a-audit'::bytea), 'slg_live_rda2', array['audit']);
select sealog_admin.issue_key((select tenant_id from sealog.api_keys where key_digest = sha256('a-read'::bytea)),
  sha256('a-ingest'::bytea), 'slg_live_rda3', array['ingest']);
select sealog_admin.issue_key(sealog_admin.create_tenant('reads b'), sha256('b-all'::bytea), 'slg_live_rdb1',
  array['ingest', 'auth-events', 'privacy', 'read', 'audit']);

-- Tenant a: 2 events and 3 access-log rows; tenant b: 5 events and 4 rows.
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
select k.tenant_id, now() - interval '1 hour', gen_random_uuid(), 's', 'm', 10, 1
  from sealog.api_keys as k, generate_series(1, case k.display_prefix when 'slg_live_rda1' then 2 else 5 end)
 where k.display_prefix in ('slg_live_rda1', 'slg_live_rdb1');
insert into sealog.api_access_log (request_id, received_at, tenant_id, method, path, status_code, duration_ms, caller_kind, db_role)
select gen_random_uuid(), now() - interval '1 hour', k.tenant_id, 'POST', '/ingest', 200, 1, 'tenant_key', 'sealog_edge'
  from sealog.api_keys as k, generate_series(1, case k.display_prefix when 'slg_live_rda1' then 3 else 4 end)
 where k.display_prefix in ('slg_live_rda1', 'slg_live_rdb1');

create temporary table replies (kind text primary key, request_id uuid, reply jsonb) on commit drop;
grant insert on replies to sealog_edge;

create function pg_temp.ctx(p_key text, p_request_id uuid) returns jsonb language sql as $$
  select jsonb_build_object('request_id', p_request_id, 'method', 'GET', 'path', '/tenant/x',
                            'key_digest', encode(sha256(p_key::bytea), 'hex'))
$$;
create function pg_temp.range() returns jsonb language sql as $$
  select jsonb_build_object('from', now() - interval '1 day', 'to', now() + interval '1 minute', 'granularity', 'day')
$$;
grant execute on function pg_temp.ctx(text, uuid), pg_temp.range() to sealog_edge;

-- The API runs as the Edge Functions' role.
set local role sealog_edge;
insert into replies select 'usage a', r, sealog_api.get_usage(pg_temp.ctx('a-read', r), pg_temp.range()) from gen_random_uuid() r;
insert into replies select 'usage by ingest key', r, sealog_api.get_usage(pg_temp.ctx('a-ingest', r), pg_temp.range()) from gen_random_uuid() r;
insert into replies select 'usage by audit key', r, sealog_api.get_usage(pg_temp.ctx('a-audit', r), pg_temp.range()) from gen_random_uuid() r;
insert into replies select 'log a', r, sealog_api.list_access_log(pg_temp.ctx('a-audit', r), pg_temp.range()) from gen_random_uuid() r;
insert into replies select 'log by read key', r, sealog_api.list_access_log(pg_temp.ctx('a-read', r), pg_temp.range()) from gen_random_uuid() r;
insert into replies select 'keys a', r, sealog_api.list_keys(pg_temp.ctx('a-read', r)) from gen_random_uuid() r;
insert into replies select 'sessions by unknown key', r, sealog_api.list_sessions(pg_temp.ctx('nobody', r), '{}') from gen_random_uuid() r;
reset role;

select is((select (reply -> 'body' -> 'totals' ->> 'events')::int from replies where kind = 'usage a'), 2,
  'usage counts only the key''s tenant''s events');
select is((select (reply -> 'body' -> 'totals' ->> 'input_tokens')::int from replies where kind = 'usage a'), 20,
  'and only its tokens');
select is((select reply ->> 'code' from replies where kind = 'usage by ingest key'), 'insufficient_scope',
  'an ingest key cannot read usage');
select is((select reply ->> 'code' from replies where kind = 'usage by audit key'), 'insufficient_scope',
  'an audit key cannot read usage');
-- 3 seeded rows and the 3 reads before it (usage, refused or not, is logged too); b's 4 never.
select is((select jsonb_array_length(reply -> 'body' -> 'entries') from replies where kind = 'log a'), 6,
  'the access log lists the key''s tenant''s rows written before the read, none of the other tenant''s');
select is((select reply ->> 'code' from replies where kind = 'log by read key'), 'insufficient_scope',
  'a read key cannot read the audit trail');
select is((select scope::text from sealog.api_access_log where request_id = (select request_id from replies where kind = 'log a')),
  'audit', 'reading the access log writes its own row');
select is((select jsonb_array_length(reply -> 'body' -> 'keys') from replies where kind = 'keys a'), 3,
  'the key list holds the tenant''s own three keys');
select ok((select reply::text !~ 'digest' and reply::text !~ encode(sha256('a-read'::bytea), 'hex') from replies where kind = 'keys a'),
  'and never a digest');
select is((select reply ->> 'code' from replies where kind = 'sessions by unknown key'), 'unauthorized',
  'an unknown key reads nothing');
select ok(not has_table_privilege('sealog_edge', 'sealog.api_access_log', 'update, delete, truncate'),
  'the Edge Functions'' role cannot change the access log');
select ok(not has_table_privilege('sealog_edge', 'sealog.auth_events', 'update, delete, truncate'),
  'nor the auth events');

select * from finish();
rollback;
