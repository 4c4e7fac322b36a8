-- sealog_api.ingest_group runs the POST /ingest requests that waited for the pool in one
-- transaction: each is authenticated, stored once and logged as if it had been sent alone,
-- the replies keep the requests' order, and a request that fails takes the whole group with
-- it, so that the Edge Function can send each again alone (nothing half-written). Requests of
-- several tenants may share a group; each writes its own tenant's rows only.
begin;
select plan(14);

select sealog_admin.create_tenant('ingest group tenant', 1000) as tenant_id \gset
select sealog_admin.issue_key(:'tenant_id', sha256('group-key'), 'slg_live_grp1', array['ingest']) is not null as issued \gset
select sealog_admin.create_tenant('ingest group neighbour', 1000) as neighbour_id \gset
select sealog_admin.issue_key(:'neighbour_id', sha256('neighbour-key'), 'slg_live_grp2', array['ingest']) is not null as issued \gset
select sealog_admin.issue_key(:'neighbour_id', sha256('reader-key'), 'slg_live_grp3', array['read']) is not null as issued \gset

create temporary table probe on commit drop as
  select gen_random_uuid() as event_id, gen_random_uuid() as first_request, gen_random_uuid() as resend_request,
         gen_random_uuid() as unknown_request, gen_random_uuid() as refused_request;
grant select on probe to sealog_edge;

-- One call as the Edge Function builds it: ctx and events.
create function pg_temp.ingest_call(p_request uuid, p_key text, p_event_id uuid, p_input_tokens bigint)
returns jsonb language sql as $$
  select jsonb_build_object(
    'ctx', jsonb_build_object('request_id', p_request, 'method', 'POST', 'path', '/ingest',
                              'key_digest', encode(sha256(p_key::bytea), 'hex')),
    'events', jsonb_build_array(jsonb_build_object(
      'i', 0, 'event_id', p_event_id, 'session_id', 'grouped', 'occurred_at', '2026-11-25 03:00:00+00',
      'model', 'model', 'input_tokens', p_input_tokens, 'output_tokens', 1)))
$$;

set local role sealog_edge;
select sealog_api.ingest_group(jsonb_build_array(
  pg_temp.ingest_call(first_request, 'group-key', event_id, 5),
  pg_temp.ingest_call(resend_request, 'group-key', event_id, 5),
  pg_temp.ingest_call(unknown_request, 'unknown-key', gen_random_uuid(), 5),
  pg_temp.ingest_call(gen_random_uuid(), 'neighbour-key', gen_random_uuid(), 9),
  pg_temp.ingest_call(gen_random_uuid(), 'reader-key', gen_random_uuid(), 11)
)) as replies from probe \gset
reset role;

select is(jsonb_array_length(:'replies'), 5, 'one reply per request');
select is((:'replies'::jsonb -> 0) -> 'body', '{"accepted": 1, "duplicates": 0}', 'the first copy of an event is stored');
select is((:'replies'::jsonb -> 1) -> 'body', '{"accepted": 0, "duplicates": 1}',
  'its resend in the same group is a duplicate, as when sent after it');
select is((:'replies'::jsonb -> 2) ->> 'code', 'unauthorized', 'an unknown key in the group still gets its 401');
select is((:'replies'::jsonb -> 4) ->> 'code', 'insufficient_scope', 'a key without the ingest scope in the group gets its 403');
select is((select count(*)::int from sealog.llm_request_logs where tenant_id = :'neighbour_id' and input_tokens = 11), 0,
  'and its event, stored by the group''s one statement with the others, is not stored');
select is((select count(*)::int from sealog.llm_request_logs where tenant_id = :'tenant_id'), 1, 'the event is stored once');
select is(
  (select array_agg(input_tokens::int) from sealog.llm_request_logs where tenant_id = :'neighbour_id'),
  array[9], 'another tenant''s request in the group is stored under its own tenant only');
select is((select calls::int from sealog.session_state where tenant_id = :'tenant_id' and session_id = 'grouped'), 1,
  'and counted once in its session');
select is(
  (select count(*)::int from sealog.api_access_log a, probe p
    where a.request_id in (p.first_request, p.resend_request, p.unknown_request)),
  3, 'each request writes its own access-log row');

-- A value no column takes (a negative count) fails the whole group: the valid request before
-- it leaves no event, no session total and no access-log row.
-- pgTAP's functions are not the edge role's to call: the role is set around the statement only.
create function pg_temp.as_edge(p_statement text) returns void language plpgsql as $$
begin
  set local role sealog_edge;
  execute p_statement;
  reset role;
end
$$;

select throws_ok(
  format('select pg_temp.as_edge(%L)', format('select sealog_api.ingest_group(%L)', jsonb_build_array(
    pg_temp.ingest_call(refused_request, 'group-key', gen_random_uuid(), 7),
    pg_temp.ingest_call(gen_random_uuid(), 'group-key', gen_random_uuid(), -1)))),
  '23514', null, 'a request the database refuses fails its group'
) from probe;
select is(
  (select count(*)::int from sealog.llm_request_logs where tenant_id = :'tenant_id')
    + (select count(*)::int from sealog.api_access_log a, probe p where a.request_id = p.refused_request),
  1, 'nothing of the refused group is written');

select throws_ok(
  format('select pg_temp.as_edge(%L)', format('select sealog_api.ingest_group(%L)',
    (select jsonb_agg(pg_temp.ingest_call(gen_random_uuid(), 'group-key', gen_random_uuid(), 1))
       from generate_series(1, 65)))),
  '22023', null, 'a group holds at most 64 requests');

select ok(
  (select 'lock_timeout=200ms' = any (proconfig) from pg_proc where oid = 'sealog_api.ingest_group(jsonb)'::regprocedure),
  'a group waits for a lock 200 ms at most, so one tenant''s held row delays the others that long only');

select * from finish();
rollback;
