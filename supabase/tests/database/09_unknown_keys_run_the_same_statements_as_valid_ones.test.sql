-- Timing-safe authentication in the database: an unknown key runs the same statements as a
-- valid one (a tenant row read, a token taken, the last-use update), drawing from the bucket
-- of a reserved tenant that can never be enabled, and is answered 401 with a reply of the
-- same shape.
begin;
select plan(10);

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

select * from finish();
rollback;
