-- API keys are stored only as 32-byte digests; service_role may list keys but never read digests.
begin;
select plan(4);

select col_type_is('sealog', 'api_keys', 'key_digest', 'bytea', 'keys are stored as digests');
select throws_ok(
  $$insert into sealog.api_keys (tenant_id, key_digest, display_prefix, scopes)
    values (sealog_admin.create_tenant('t'), '\x00', 'slg_live_abcd', array['ingest']::sealog.api_scope[])$$,
  '23514',
  null,
  'a digest must be 32 bytes'
);

set local role service_role;
select lives_ok($$select key_id, display_prefix from sealog.api_keys limit 1$$, 'service_role can list keys');
select throws_ok($$select key_digest from sealog.api_keys limit 1$$, '42501', null, 'service_role cannot read digests');
reset role;

select * from finish();
rollback;
