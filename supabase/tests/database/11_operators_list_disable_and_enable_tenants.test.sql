-- Operators list, disable and enable tenants (deno task tenant): a disabled tenant's keys and
-- static token stop resolving; an unknown tenant is reported, never taken for an empty one;
-- the reserved tenant can never be enabled.
begin;
select plan(12);

select set_config('test.tenant', sealog_admin.create_tenant('tenant admin')::text, true);
select sealog_admin.issue_key(current_setting('test.tenant')::uuid, sha256('tenant-admin-key'), 'slg_live_abcd', array['ingest']);

select results_eq(
  format($$select name, disabled_at is null, live_keys from sealog_admin.list_tenants() where tenant_id = %L$$, current_setting('test.tenant')),
  $$values ('tenant admin'::text, true, 1::bigint)$$,
  'list_tenants shows the tenant, enabled, with its live key'
);
select is(
  (select disabled_at is not null from sealog_admin.list_tenants() where tenant_id = sealog.unauthenticated_tenant_id()),
  true,
  'the reserved tenant is listed as disabled'
);

select ok(sealog_admin.set_tenant_enabled(current_setting('test.tenant')::uuid, false, '2026-01-01 00:00:00+00'), 'disabling is true for an existing tenant');
select is(
  (select disabled_at from sealog.tenants where tenant_id = current_setting('test.tenant')::uuid),
  '2026-01-01 00:00:00+00'::timestamptz,
  'disabled_at is set'
);
select ok(sealog_admin.set_tenant_enabled(current_setting('test.tenant')::uuid, false, '2026-02-01 00:00:00+00'), 'disabling twice succeeds');
select is(
  (select disabled_at from sealog.tenants where tenant_id = current_setting('test.tenant')::uuid),
  '2026-01-01 00:00:00+00'::timestamptz,
  'and keeps the first date'
);
select is(
  (sealog.resolve_credential(jsonb_build_object('key_digest', encode(sha256('tenant-admin-key'), 'hex')))).status::integer,
  401,
  'a disabled tenant''s key is refused (401)'
);

select ok(sealog_admin.set_tenant_enabled(current_setting('test.tenant')::uuid, true), 'enabling is true for an existing tenant');
select is(
  (sealog.resolve_credential(jsonb_build_object('key_digest', encode(sha256('tenant-admin-key'), 'hex')))).status::integer,
  200,
  'once enabled, its key is accepted again (200)'
);

select ok(not sealog_admin.set_tenant_enabled(gen_random_uuid(), false) and not sealog_admin.set_tenant_enabled(gen_random_uuid(), true), 'an unknown tenant is reported as false');
select throws_ok(
  format('select * from sealog_admin.list_keys(%L)', gen_random_uuid()),
  'P0002',
  null,
  'list_keys refuses an unknown tenant instead of returning no keys'
);
select throws_ok(
  $$select sealog_admin.set_tenant_enabled(sealog.unauthenticated_tenant_id(), true)$$,
  '23514',
  null,
  'the reserved tenant cannot be enabled'
);

select * from finish();
rollback;
