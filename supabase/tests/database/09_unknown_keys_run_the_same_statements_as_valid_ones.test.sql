-- Timing-safe authentication in the database: an unknown key runs the same statements as a
-- valid one (a tenant row read, a token taken, one access-log row), drawing from the bucket
-- of a reserved tenant that can never be enabled, and is answered 401 with a reply of the
-- same shape.
begin;
select plan(15);

select is(
  (select disabled_at is not null from sealog.tenants where tenant_id = sealog.unauthenticated_tenant_id()),
  true,
  'the reserved tenant of unauthenticated requests exists and is disabled'
);
select throws_ok(
  $$update sealog.tenants set disabled_at = null where tenant_id = sealog.unauthenticated_tenant_id()$$,
  '23514',
  null,
  'the reserved tenant can never be enabled'
);

-- Its tokens limit nothing (a bad key is always told 401), so it refills as fast as any tenant
-- may: a flood of unknown keys never finds it dry, which would cost more than a valid key.
select throws_ok(
  $$update sealog.tenants set rate_limit_per_second = rate_limit_per_second + 1
     where tenant_id = sealog.unauthenticated_tenant_id()$$,
  '23514',
  'new row for relation "tenants" violates check constraint "tenants_rate_limit_per_second_check"',
  'the reserved bucket refills at the highest rate a tenant may have'
);

select throws_ok(
  $$select sealog_admin.issue_key(sealog.unauthenticated_tenant_id(), sha256('reserved'::bytea), 'slg_live_abcd')$$,
  '23514',
  null,
  'no key can be issued for the reserved tenant'
);

-- Earlier tests' unknown keys may have created the bucket already.
delete from sealog.rate_limit_buckets where tenant_id = sealog.unauthenticated_tenant_id();

select sealog_admin.issue_key(sealog_admin.create_tenant('timing'), sha256('valid-key'::bytea),
                              'slg_live_abcd') is not null as issued \gset
-- The API runs as the Edge Functions' role: any other is refused (database_misconfigured).
set local role sealog_edge;
create temporary table replies on commit drop as
  select 'valid' as kind, sealog_api.whoami(jsonb_build_object(
           'request_id', gen_random_uuid(), 'key_digest', encode(sha256('valid-key'::bytea), 'hex'),
           'method', 'GET', 'path', '/ingest/whoami')) as reply
  union all
  select 'unknown', sealog_api.whoami(jsonb_build_object(
           'request_id', 'b0000000-0000-4000-8000-000000000009', 'key_digest', encode(sha256('unknown-key'::bytea), 'hex'),
           'method', 'GET', 'path', '/ingest/whoami'));
reset role;

select is((select (reply ->> 'status')::int from replies where kind = 'valid'), 200, 'a valid key is admitted');
select is((select (reply ->> 'status')::int from replies where kind = 'unknown'), 401, 'an unknown key is refused');
select is(
  (select array_agg(k order by k) from replies, jsonb_object_keys(reply) k where kind = 'unknown'),
  (select array_agg(k order by k) from replies, jsonb_object_keys(reply) k where kind = 'valid'),
  'both replies have the same keys'
);
select is(
  (select array_agg(k order by k) from replies, jsonb_object_keys(reply -> 'body') k where kind = 'unknown'),
  (select array_agg(k order by k) from replies, jsonb_object_keys(reply -> 'body') k where kind = 'valid'),
  'both bodies have the same keys (the refused one a placeholder the Edge Function never sends)'
);
select is(
  (select reply -> 'body' ->> 'tenant_id' from replies where kind = 'unknown'),
  sealog.unauthenticated_tenant_id()::text,
  'the placeholder names no real tenant'
);
select ok(
  exists (select 1 from sealog.rate_limit_buckets where tenant_id = sealog.unauthenticated_tenant_id()),
  'the unknown key took its token from the reserved bucket'
);
select is(
  (select row(tenant_id, key_id, status_code)::text from sealog.api_access_log
    where request_id = 'b0000000-0000-4000-8000-000000000009'),
  row(null::uuid, null::uuid, 401)::text,
  'the unknown key''s access-log row is attributed to no tenant'
);

-- The last use: written once a minute at most, decided from the row the lookup read.
create function pg_temp.whoami(p_key text) returns int language sql as $$
  select (sealog_api.whoami(jsonb_build_object('request_id', gen_random_uuid(),
            'key_digest', encode(sha256(p_key::bytea), 'hex'), 'method', 'GET', 'path', '/ingest/whoami')) ->> 'status')::int
$$;
create function pg_temp.last_used(p_key text) returns timestamptz language sql as $$
  select last_used_at from sealog.api_keys where key_digest = sha256(p_key::bytea)
$$;
select is(pg_temp.last_used('valid-key'), now(), 'a valid key''s request records its last use');
update sealog.api_keys set last_used_at = now() - interval '30 seconds' where key_digest = sha256('valid-key'::bytea);
set local role sealog_edge;
select pg_temp.whoami('valid-key') as status \gset
reset role;
select is(pg_temp.last_used('valid-key'), now() - interval '30 seconds', 'within a minute of the last, it is not rewritten');
update sealog.api_keys set last_used_at = now() - interval '61 seconds' where key_digest = sha256('valid-key'::bytea);
set local role sealog_edge;
select pg_temp.whoami('valid-key') as status \gset
reset role;
select is(pg_temp.last_used('valid-key'), now(), 'after a minute, it is');
select sealog_admin.issue_key(sealog_admin.create_tenant('timing revoked'), sha256('revoked-key'::bytea), 'slg_live_abce') as revoked_key \gset
select sealog_admin.revoke_key(:'revoked_key');
set local role sealog_edge;
select pg_temp.whoami('revoked-key') as status \gset
reset role;
select is(pg_temp.last_used('revoked-key'), null, 'a refused key''s use is not recorded');

select * from finish();
rollback;
