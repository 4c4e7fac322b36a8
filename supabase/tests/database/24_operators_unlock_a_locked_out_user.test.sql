-- An operator unlocks a user locked out by the password hook (deno task tenant unlock): the
-- unlock is an audit row (account_unlocked, source operator), the failures before it stop
-- counting at once, later failures count afresh; a tenant's own API events cannot unlock.
begin;
select plan(7);

select set_config('test.tenant', sealog_admin.create_tenant('unlock')::text, true);
select sealog_admin.set_auth_lockout(current_setting('test.tenant')::uuid, 3, interval '15 minutes');

create function pg_temp.attempt(p_valid boolean, p_at text)
returns text
language sql
as $$
  select sealog.record_password_attempt(current_setting('test.tenant')::uuid, 'u-locked', p_valid, null, p_at::timestamptz) ->> 'decision'
$$;

select is(
  array[pg_temp.attempt(false, '2026-01-01 10:00:01+00'), pg_temp.attempt(false, '2026-01-01 10:00:02+00'),
        pg_temp.attempt(false, '2026-01-01 10:00:03+00'), pg_temp.attempt(true, '2026-01-01 10:01:00+00')],
  array['continue', 'continue', 'reject', 'reject'],
  'three failures lock the user out, the right password included'
);

-- A tenant's API cannot unlock: only the operator's source counts.
insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id)
values (current_setting('test.tenant')::uuid, gen_random_uuid(), '2026-01-01 10:01:30+00', 'api', 'account_unlocked', 'success', 'u-locked');
select is(pg_temp.attempt(true, '2026-01-01 10:01:40+00'), 'reject', 'an account_unlocked event sent through the API does not unlock');

select ok(sealog_admin.unlock_user(current_setting('test.tenant')::uuid, 'u-locked', '2026-01-01 10:02:00+00'), 'unlock_user is true for an existing tenant');
select is(pg_temp.attempt(true, '2026-01-01 10:02:01+00'), 'continue', 'after the unlock the right password is accepted within the window');
select is(
  array[pg_temp.attempt(false, '2026-01-01 10:03:00+00'), pg_temp.attempt(false, '2026-01-01 10:03:01+00'),
        pg_temp.attempt(false, '2026-01-01 10:03:02+00')],
  array['continue', 'continue', 'reject'],
  'failures after the unlock count afresh: the third locks again'
);
select results_eq(
  format($$select source, outcome, reason::text from sealog.auth_events
            where tenant_id = %L and type = 'account_unlocked' and source = 'operator'$$, current_setting('test.tenant')),
  $$values ('operator'::text, 'success'::text, 'operator_unlock'::text)$$,
  'the unlock is recorded once in the audit trail'
);
select ok(not sealog_admin.unlock_user(gen_random_uuid(), 'u-locked'), 'an unknown tenant is reported as false');

select * from finish();
rollback;
