-- A tenant's erasure of one of its end users clears that end user's telemetry, session state
-- and auth events in that tenant only; the same end-user id in another tenant is another
-- person, and is left alone. Telemetry rows are deleted; auth events are kept, anonymised.
begin;
select plan(6);

create temporary table tenants on commit drop as
select sealog_admin.create_tenant('erasing tenant') as a,
       sealog_admin.create_tenant('other tenant') as b,
       'end-user-' || substr(md5(random()::text), 1, 12) as end_user_id,
       -- Compared as inet: host() drops a leading zero of the random group.
       '2001:db8:63::' || substr(md5(random()::text), 1, 4) as ip;

insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens, end_user_id)
select t.tenant_id, now(), gen_random_uuid(), 'tenant-erasure', 'gpt-4o', 1, 1, tenants.end_user_id
  from tenants, lateral (values (tenants.a), (tenants.b)) as t (tenant_id);
insert into sealog.session_state (
  tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd, first_seen_at,
  last_seen_at, end_user_id, last_activity_at, expires_at)
select t.tenant_id, 'tenant-erasure', 1, 1, 1, 0, now(), now(), tenants.end_user_id, now(), now() + interval '1 day'
  from tenants, lateral (values (tenants.a), (tenants.b)) as t (tenant_id);
insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id, method, ip, user_agent)
select t.tenant_id, gen_random_uuid(), now(), 'api', 'login_failure', 'failure', tenants.end_user_id, 'password',
       tenants.ip::inet, 'TenantAgent/1'
  from tenants, lateral (values (tenants.a), (tenants.b)) as t (tenant_id);

create temporary table request on commit drop as
select r.*
  from tenants,
       lateral sealog.request_erasure('tenant', a, 'end_user', sha256(convert_to(end_user_id, 'utf8')), null, null,
                                      end_user_id, '{}', interval '0') as r;

select is((select status from request), 'completed', 'with no grace period the erasure runs at once');

select results_eq(
  $$
  select (select count(*)::int from sealog.llm_request_logs l, tenants t where l.tenant_id = t.a and l.end_user_id = t.end_user_id),
         (select count(*)::int from sealog.session_state s, tenants t where s.tenant_id = t.a and s.end_user_id = t.end_user_id),
         (select count(*)::int from sealog.auth_events e, tenants t
           where e.tenant_id = t.a and (e.user_id = t.end_user_id or e.ip = t.ip::inet or e.user_agent is not null))
  $$,
  $$ values (0, 0, 0) $$,
  'the end user is gone from the tenant''s telemetry, session state and auth events'
);

select results_eq(
  $$
  select (select count(*)::int from sealog.llm_request_logs l, tenants t where l.tenant_id = t.a and l.session_id = 'tenant-erasure'),
         (select count(*)::int from sealog.auth_events e, tenants t
           where e.tenant_id = t.a and e.user_id is null and e.ip is null and e.type = 'login_failure')
  $$,
  $$ values (0, 1) $$,
  'the end user''s telemetry rows are deleted; auth events are kept, anonymised'
);

select results_eq(
  $$
  select (select count(*)::int from sealog.llm_request_logs l, tenants t where l.tenant_id = t.b and l.end_user_id = t.end_user_id),
         (select count(*)::int from sealog.session_state s, tenants t where s.tenant_id = t.b and s.end_user_id = t.end_user_id),
         (select count(*)::int from sealog.auth_events e, tenants t
           where e.tenant_id = t.b and e.user_id = t.end_user_id and e.ip = t.ip::inet)
  $$,
  $$ values (1, 1, 1) $$,
  'the same end-user id in another tenant is untouched'
);

select is(
  (select receipt -> 'deleted' from request),
  '{"sealog.llm_request_logs": 1, "sealog.session_state": 1}'::jsonb,
  'the receipt counts the rows deleted'
);

select is(
  (select receipt -> 'anonymised' from request),
  '{"sealog.auth_events": 1}'::jsonb,
  'and the rows anonymised, per table'
);

select * from finish();
rollback;
