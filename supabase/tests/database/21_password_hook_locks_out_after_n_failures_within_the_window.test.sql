-- The brute-force lockout is decided in the database: the Nth failed password within the
-- tenant's window (default 10 in 15 minutes) is rejected and records account_locked; while
-- locked even a right password is rejected; the lock ends when the failures leave the window.
-- Time is frozen through p_now.
begin;
select plan(14);

select set_config('test.tenant', sealog_admin.create_tenant('lockout defaults')::text, true);
select set_config('test.strict', sealog_admin.create_tenant('lockout strict')::text, true);
select set_config('test.user', gen_random_uuid()::text, true);

create function pg_temp.attempt(p_tenant text, p_user text, p_valid boolean, p_at text)
returns text
language sql
as $$
  select sealog.record_password_attempt(p_tenant::uuid, p_user, p_valid, '192.0.2.1', p_at::timestamptz) ->> 'decision'
$$;

-- Defaults: 9 failures continue, the 10th is rejected.
select is(
  (select array_agg(pg_temp.attempt(current_setting('test.tenant'), current_setting('test.user'), false,
                                    format('2026-01-01 10:00:%s+00', lpad(i::text, 2, '0')))
                    order by i)
     from generate_series(1, 9) as i),
  array_fill('continue'::text, array[9]),
  'nine failures within the window continue'
);
select is(
  sealog.record_password_attempt(current_setting('test.tenant')::uuid, current_setting('test.user'), false, null, '2026-01-01 10:01:00+00'),
  '{"decision": "reject", "message": "Too many failed sign-in attempts. Try again later.", "should_logout_user": false}'::jsonb,
  'the 10th failure is rejected without logging the user out'
);
select is(
  pg_temp.attempt(current_setting('test.tenant'), current_setting('test.user'), true, '2026-01-01 10:02:00+00'),
  'reject',
  'while locked, the right password is rejected too'
);
select results_eq(
  format($$select type::text, count(*)::int from sealog.auth_events
            where tenant_id = %L and user_id = %L group by type order by type$$,
         current_setting('test.tenant'), current_setting('test.user')),
  $$values ('account_locked', 2), ('login_failure', 10)$$,
  'ten failures and two lockouts recorded; attempts while locked are not failures'
);
select is(
  pg_temp.attempt(current_setting('test.tenant'), current_setting('test.user'), true, '2026-01-01 10:15:00+00'),
  'reject',
  'at 10:15:00 the first failure (10:00:01) is still within 15 minutes'
);
select is(
  pg_temp.attempt(current_setting('test.tenant'), current_setting('test.user'), true, '2026-01-01 10:15:02+00'),
  'continue',
  'once the 1st and 2nd failures left the window, the lock ends'
);
select is(
  pg_temp.attempt(current_setting('test.tenant'), current_setting('test.user'), false, '2026-01-01 10:15:03+00'),
  'continue',
  'the window slides: a new failure counts with the seven still in it, not yet the 10th'
);

-- Per user and per tenant.
select is(
  pg_temp.attempt(current_setting('test.tenant'), gen_random_uuid()::text, true, '2026-01-01 10:02:00+00'),
  'continue',
  'another user of the tenant is not locked'
);
select is(
  pg_temp.attempt(current_setting('test.strict'), current_setting('test.user'), true, '2026-01-01 10:02:00+00'),
  'continue',
  'the same user id in another tenant is not locked'
);

-- Per-tenant settings: 3 failures in 5 minutes.
select ok(sealog_admin.set_auth_lockout(current_setting('test.strict')::uuid, 3, interval '5 minutes'), 'settings are stored for an existing tenant');
select ok(not sealog_admin.set_auth_lockout(gen_random_uuid(), 3, interval '5 minutes'), 'and refused for an unknown one');
select is(
  (select array_agg(pg_temp.attempt(current_setting('test.strict'), 'u-strict', false,
                                    format('2026-01-01 11:0%s:00+00', i)) order by i)
     from generate_series(1, 3) as i),
  array['continue', 'continue', 'reject'],
  'a tenant with a threshold of 3 rejects the 3rd failure'
);
select is(
  pg_temp.attempt(current_setting('test.strict'), 'u-strict', true, '2026-01-01 11:06:01+00'),
  'continue',
  'and its 5-minute window ends the lock sooner'
);
select throws_ok(
  $$select sealog_admin.set_auth_lockout(current_setting('test.strict')::uuid, 0, interval '5 minutes')$$,
  '23514',
  null,
  'a threshold below 1 is refused'
);

select * from finish();
rollback;
