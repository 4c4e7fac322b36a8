-- A verified Supabase Auth hook delivery is attributed to the hook tenant the Edge Function
-- passes (p_ctx.hook_tenant_id), recorded once per webhook-id, and writes exactly one
-- access-log row whatever the outcome. Called as the Edge Functions' role, as in production.
begin;
select plan(16);

select set_config('test.tenant', sealog_admin.create_tenant('hook tenant')::text, true);
select set_config('test.disabled', sealog_admin.create_tenant('disabled hook tenant')::text, true);
update sealog.tenants set disabled_at = now() where tenant_id = current_setting('test.disabled')::uuid;
select set_config('test.user', gen_random_uuid()::text, true);

create function pg_temp.ctx(p_tenant text)
returns jsonb
language sql
as $$
  select jsonb_build_object('request_id', gen_random_uuid(), 'method', 'POST', 'path', '/auth-events',
                            'hook_tenant_id', p_tenant, 'elapsed_ms', 1)
$$;
create function pg_temp.hook(p_kind text, p_id text, p_valid boolean default true)
returns jsonb
language sql
as $$
  select jsonb_build_object('kind', p_kind, 'webhook_id', p_id, 'user_id', current_setting('test.user'),
                            'valid', p_valid, 'method', 'totp', 'ip', '198.51.100.9')
$$;
grant usage on schema extensions to sealog_edge;
grant execute on function pg_temp.ctx(text), pg_temp.hook(text, text, boolean) to sealog_edge;

set local role sealog_edge;
select is(
  sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.tenant')), pg_temp.hook('password_verification', 'msg-1')),
  '{"status": 200, "code": null, "body": {"decision": "continue"}, "retry_after": null, "rate_limit": null}'::jsonb,
  'a password attempt answers continue'
);
select is(
  sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.tenant')), pg_temp.hook('password_verification', 'msg-1')),
  '{"status": 409, "code": "webhook_replayed", "body": null, "retry_after": null, "rate_limit": null}'::jsonb,
  'the same webhook-id again is a replay'
);
select is(
  sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.tenant')), pg_temp.hook('mfa_verification', 'msg-2', false)),
  '{"status": 200, "code": null, "body": {"decision": "continue"}, "retry_after": null, "rate_limit": null}'::jsonb,
  'an MFA attempt answers continue'
);
select is(
  sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.tenant')), pg_temp.hook('custom_access_token', 'msg-3')),
  '{"status": 200, "code": null, "body": {}, "retry_after": null, "rate_limit": null}'::jsonb,
  'a custom access token answers an empty body (the function echoes the claims)'
);
select is(
  (sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.tenant')), pg_temp.hook('send_email', 'msg-4')) ->> 'code'),
  'invalid_auth_hook',
  'an unknown kind is refused'
);
select is(
  (sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.disabled')), pg_temp.hook('password_verification', 'msg-5')) ->> 'status')::int,
  401,
  'a disabled hook tenant is refused'
);
select is(
  (sealog_api.record_auth_hook(pg_temp.ctx(gen_random_uuid()::text), pg_temp.hook('password_verification', 'msg-6')) ->> 'status')::int,
  401,
  'an unknown hook tenant is refused'
);
select is(
  (sealog_api.record_auth_hook(pg_temp.ctx(null), pg_temp.hook('password_verification', 'msg-7')) ->> 'status')::int,
  401,
  'without a hook tenant nothing is attributed'
);
-- Accepted in the last second of a day, replayed after midnight and a week later: the
-- ledger is partitioned by day, and an id is still unique across the days.
select is(
  (sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.tenant')),
     pg_temp.hook('custom_access_token', 'msg-midnight'), date_trunc('day', now(), 'UTC') - interval '1 microsecond') ->> 'status')::int,
  200,
  'a delivery in the last microsecond of yesterday is accepted'
);
select is(
  (sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.tenant')),
     pg_temp.hook('custom_access_token', 'msg-midnight'), date_trunc('day', now(), 'UTC')) ->> 'code'),
  'webhook_replayed',
  'its replay at midnight, in the next day''s partition, is still a replay'
);
select is(
  (sealog_api.record_auth_hook(pg_temp.ctx(current_setting('test.tenant')),
     pg_temp.hook('custom_access_token', 'msg-midnight'), now() + interval '7 days') ->> 'code'),
  'webhook_replayed',
  'and a week later'
);
select throws_ok(
  $$select * from sealog.auth_events$$,
  '42501',
  null,
  'the edge role still reads nothing'
);
reset role;

select results_eq(
  format($$select type::text, outcome, method::text, host(ip), source from sealog.auth_events
            where tenant_id = %L and user_id = %L order by type$$,
         current_setting('test.tenant'), current_setting('test.user')),
  $$values ('login_success', 'success', 'password', '198.51.100.9', 'supabase_auth_hook'),
           ('mfa_failure', 'failure', 'totp', '198.51.100.9', 'supabase_auth_hook'),
           ('token_issued', 'success', 'totp', '198.51.100.9', 'supabase_auth_hook'),
           ('token_issued', 'success', 'totp', '198.51.100.9', 'supabase_auth_hook')$$,
  'one event per accepted delivery, for the hook tenant'
);
select is(
  (select count(*)::int from sealog.auth_events where user_id = current_setting('test.user') and tenant_id <> current_setting('test.tenant')::uuid),
  0,
  'nothing is recorded for any other tenant'
);
select results_eq(
  $$select status_code::int, error_code::text, scope::text, key_id is null from sealog.api_access_log
     where path = '/auth-events' and received_at = now() order by log_id$$,
  $$values (200, null, 'auth-events', true), (409, 'webhook_replayed', 'auth-events', true),
           (200, null, 'auth-events', true), (200, null, 'auth-events', true),
           (400, 'invalid_auth_hook', 'auth-events', true), (401, 'unauthorized', 'auth-events', true),
           (401, 'unauthorized', 'auth-events', true), (401, 'unauthorized', 'auth-events', true),
           (200, null, 'auth-events', true), (409, 'webhook_replayed', 'auth-events', true),
           (409, 'webhook_replayed', 'auth-events', true)$$,
  'exactly one access-log row per delivery, refused ones included'
);
select is(
  (select count(*)::int from sealog.auth_hook_deliveries where tenant_id = current_setting('test.tenant')::uuid),
  4,
  'the replay ledger holds each accepted delivery once; refused deliveries leave no id'
);

select * from finish();
rollback;
