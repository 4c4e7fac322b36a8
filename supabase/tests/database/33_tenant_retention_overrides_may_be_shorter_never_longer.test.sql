-- A tenant may keep its data for less time than the policy, never longer; a policy cannot be
-- shortened below an existing override; only tenant-scoped categories can be overridden.
begin;
select plan(8);

select sealog_admin.create_tenant('override tenant') as tenant_id \gset

select lives_ok(
  format($$select sealog_admin.set_retention_override(%L, 'telemetry', interval '30 days')$$, :'tenant_id'),
  'a shorter telemetry retention is accepted'
);
select lives_ok(
  format($$select sealog_admin.set_retention_override(%L, 'api_access_logs', interval '90 days')$$, :'tenant_id'),
  'a retention equal to the policy is accepted'
);
select throws_ok(
  format($$select sealog_admin.set_retention_override(%L, 'session_state', interval '25 hours')$$, :'tenant_id'),
  '23514', null,
  'a longer retention is refused'
);
select throws_ok(
  format($$update sealog.retention_overrides set retention = interval '91 days' where tenant_id = %L and category = 'telemetry'$$, :'tenant_id'),
  '23514', null,
  'an override cannot be lengthened past the policy by an update either'
);
select throws_ok(
  format($$select sealog_admin.set_retention_override(%L, 'cron_history', interval '1 day')$$, :'tenant_id'),
  '23514', null,
  'a category that is not tenant-scoped cannot be overridden'
);
select throws_ok(
  $$update sealog.retention_policies set retention = interval '20 days' where category = 'telemetry'$$,
  '23514', null,
  'a policy cannot be shortened below an existing override'
);
select is(
  sealog.retention_cutoff('telemetry', '2020-06-14 12:00:00+00', :'tenant_id'),
  '2020-05-15 12:00:00+00'::timestamptz,
  'the tenant''s cutoff follows its override'
);
select is(
  sealog.retention_cutoff('telemetry', '2020-06-14 12:00:00+00', gen_random_uuid()),
  '2020-03-16 12:00:00+00'::timestamptz,
  'other tenants'' cutoff follows the policy'
);

select * from finish();
rollback;
