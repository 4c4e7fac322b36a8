-- A request that failed validation in the Edge Function (p_ctx.validation_failure) is answered with its
-- code only once the caller is authenticated, has the route's scope and got a rate-limit
-- token: a bad key still gets 401, a key without the scope 403, an empty bucket 429. The
-- failure is read for every key alike (timing-safe), and only a 4xx can be asked for.
begin;
select plan(7);

select sealog_admin.issue_key(sealog_admin.create_tenant('rejections'), sha256('scoped-key'::bytea), 'slg_live_rej1', array['ingest']);
select sealog_admin.issue_key(
  (select tenant_id from sealog.api_keys where key_digest = sha256('scoped-key'::bytea)),
  sha256('other-scope-key'::bytea), 'slg_live_rej2', array['privacy']);

create temporary table ctx on commit drop as
  select jsonb_build_object('request_id', gen_random_uuid(), 'method', 'GET', 'path', '/ingest/sessions/x',
                            'validation_failure', jsonb_build_object('status', 404, 'code', 'session_not_found')) as base;

create temporary table replies (kind text primary key, reply jsonb) on commit drop;
grant select on ctx to sealog_edge;
grant insert on replies to sealog_edge;

-- The API runs as the Edge Functions' role (any other is refused: database_misconfigured).
set local role sealog_edge;
insert into replies
select kind, sealog_api.get_session(base || jsonb_build_object('key_digest', encode(sha256(key::bytea), 'hex')), '')
  from ctx, (values ('admitted', 'scoped-key'), ('unknown', 'unknown-key'), ('other_scope', 'other-scope-key')) k(kind, key);
reset role;

update sealog.rate_limit_buckets
   set tokens = 0, refilled_at = now() + interval '1 minute'
 where tenant_id = (select tenant_id from sealog.api_keys where key_digest = sha256('scoped-key'::bytea));
set local role sealog_edge;
insert into replies
select 'empty_bucket', sealog_api.get_session(base || jsonb_build_object('key_digest', encode(sha256('scoped-key'::bytea), 'hex')), '')
  from ctx;
reset role;

select is((select reply ->> 'code' from replies where kind = 'admitted'), 'session_not_found',
  'an admitted key gets the validation failure it was sent');
select is((select reply ->> 'code' from replies where kind = 'unknown'), 'unauthorized',
  'an unknown key gets 401, not the validation failure');
select is((select reply ->> 'code' from replies where kind = 'other_scope'), 'insufficient_scope',
  'a key without the route''s scope gets 403, not the validation failure');
select is((select (reply ->> 'status')::int from replies where kind = 'admitted'), 404,
  'with the status the Edge Function sent');
select is((select reply ->> 'code' from replies where kind = 'empty_bucket'), 'rate_limited',
  'an empty bucket gets 429, not the validation failure');

select is(
  (sealog.apply_validation_failure('{"validation_failure": {"status": 200, "code": "not_found"}}', row(200, null, null, null, null, null, null, null, null, null, null, null, null)::sealog.request_auth)).status::int,
  200,
  'a validation failure that is not a 4xx is ignored'
);
select is(
  (sealog.apply_validation_failure('{}', row(200, null, null, null, null, null, null, null, null, null, null, null, null)::sealog.request_auth)).status::int,
  200,
  'a request without a validation failure proceeds'
);

select * from finish();
rollback;
