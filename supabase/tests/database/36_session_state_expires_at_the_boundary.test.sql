-- Session state expires 24 hours after its last activity. Ingest stamps that expiry from the
-- policy's period, and the 15-minute purge deletes sessions at or past it, one second
-- younger stays.
begin;
select plan(3);

select sealog_admin.create_tenant('session purge tenant') as tenant_id \gset

insert into sealog.session_state
  (tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd, first_seen_at, last_seen_at,
   last_activity_at, expires_at)
select :'tenant_id', label, 1, 1, 1, 0, at, at, at, at + interval '24 hours'
  from (values ('older', '2020-06-13 11:59:59+00'::timestamptz),
               ('boundary', '2020-06-13 12:00:00+00'),
               ('younger', '2020-06-13 12:00:01+00')) as v(label, at);

select is((sealog.purge_session_state('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 2,
  'two sessions are due');
select results_eq(
  format($$select session_id::text from sealog.session_state where tenant_id = %L$$, :'tenant_id'),
  array['younger'],
  'a session idle 24 hours or a second longer is gone; one second younger stays'
);

-- Ingest (one round trip, as the Edge Function calls it) stamps the policy's period.
select sealog_admin.issue_key(:'tenant_id', sha256('session-purge-key'), 'slg_live_test') is not null as issued \gset
set local role sealog_edge;
select sealog_api.ingest(
  jsonb_build_object('request_id', gen_random_uuid(), 'method', 'POST', 'path', '/ingest',
                     'key_digest', encode(sha256('session-purge-key'), 'hex')),
  jsonb_build_array(jsonb_build_object(
    'i', 0, 'event_id', gen_random_uuid(), 'session_id', 'ttl-probe', 'occurred_at', now(),
    'model', 'model', 'input_tokens', 1, 'output_tokens', 1))
) is not null as ingested \gset
reset role;
select is(
  (select expires_at - last_activity_at from sealog.session_state
    where tenant_id = :'tenant_id' and session_id = 'ttl-probe'),
  (select retention from sealog.retention_policies where category = 'session_state'),
  'ingest stamps expires_at at the session_state policy''s period after the last activity'
);

select * from finish();
rollback;
