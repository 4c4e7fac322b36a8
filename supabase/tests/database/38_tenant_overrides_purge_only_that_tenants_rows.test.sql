-- A tenant with a shorter retention loses its own rows at its cutoff, one second either
-- side, while another tenant's rows of the same age stay under the policy.
begin;
select plan(6);

select sealog_admin.create_tenant('short retention') as short_tenant \gset
select sealog_admin.create_tenant('policy retention') as policy_tenant \gset
select sealog_admin.set_retention_override(:'short_tenant', 'telemetry', interval '30 days');
select sealog_admin.set_retention_override(:'short_tenant', 'api_access_logs', interval '30 days');
select sealog_admin.set_retention_override(:'short_tenant', 'session_state', interval '1 hour');

-- Frozen at 2020-06-14 12:00: the short tenant's cutoff is 2020-05-15 12:00 (telemetry, logs)
-- and 2020-06-14 11:00 (sessions).
create temporary table ages (label text, at timestamptz);
insert into ages values ('older', '2020-05-15 11:59:59+00'), ('boundary', '2020-05-15 12:00:00+00'), ('younger', '2020-05-15 12:00:01+00');

insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
select t, a.at, gen_random_uuid(), a.label, 'model', 1, 1
  from ages a cross join (values (:'short_tenant'::uuid), (:'policy_tenant'::uuid)) as tenants(t);
insert into sealog.api_access_log (request_id, received_at, tenant_id, method, path, status_code, duration_ms, caller_kind, db_role)
select gen_random_uuid(), a.at, t, 'GET', '/probe/' || a.label, 200, 1, 'tenant_key', 'sealog_functions'
  from ages a cross join (values (:'short_tenant'::uuid), (:'policy_tenant'::uuid)) as tenants(t);
insert into sealog.session_state
  (tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd, first_seen_at, last_seen_at,
   last_activity_at, expires_at)
select t, label, 1, 1, 1, 0, at, at, at, at + interval '24 hours'
  from (values ('older', '2020-06-14 10:59:59+00'::timestamptz), ('boundary', '2020-06-14 11:00:00+00'),
               ('younger', '2020-06-14 11:00:01+00')) as v(label, at)
 cross join (values (:'short_tenant'::uuid), (:'policy_tenant'::uuid)) as tenants(t);

select is((sealog.purge_telemetry('2020-06-14 12:00:00+00') ->> 'tenant_overrides')::int, 1,
  'the telemetry purge applies one tenant override');
select set_eq(
  format($$select tenant_id = %L, session_id::text from sealog.llm_request_logs where tenant_id in (%L, %L)$$,
         :'short_tenant', :'short_tenant', :'policy_tenant'),
  $$values (true, 'younger'), (false, 'older'), (false, 'boundary'), (false, 'younger')$$,
  'the short tenant''s telemetry at or past its cutoff is gone; the other tenant''s stays'
);

select is((sealog.purge_api_access_log('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 2,
  'the access-log purge deletes the short tenant''s two due rows');
select set_eq(
  format($$select tenant_id = %L, path from sealog.api_access_log where tenant_id in (%L, %L)$$,
         :'short_tenant', :'short_tenant', :'policy_tenant'),
  $$values (true, '/probe/younger'), (false, '/probe/older'), (false, '/probe/boundary'), (false, '/probe/younger')$$,
  'the other tenant''s access-log rows of the same age stay'
);

select is((sealog.purge_session_state('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 2,
  'the session purge deletes the short tenant''s two idle sessions');
select set_eq(
  format($$select tenant_id = %L, session_id::text from sealog.session_state where tenant_id in (%L, %L)$$,
         :'short_tenant', :'short_tenant', :'policy_tenant'),
  $$values (true, 'younger'), (false, 'older'), (false, 'boundary'), (false, 'younger')$$,
  'the other tenant''s sessions stay until their own 24 hours'
);

select * from finish();
rollback;
