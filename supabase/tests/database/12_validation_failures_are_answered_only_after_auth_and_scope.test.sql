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

select is(
  (select sealog_api.get_session(base || jsonb_build_object('key_digest', encode(sha256('scoped-key'::bytea), 'hex')), '') ->> 'code' from ctx),
  'session_not_found',
  'an admitted key gets the validation failure it was sent'
);
select is(
  (select sealog_api.get_session(base || jsonb_build_object('key_digest', encode(sha256('unknown-key'::bytea), 'hex')), '') ->> 'code' from ctx),
  'unauthorized',
  'an unknown key gets 401, not the validation failure'
);
select is(
  (select sealog_api.get_session(base || jsonb_build_object('key_digest', encode(sha256('other-scope-key'::bytea), 'hex')), '') ->> 'code' from ctx),
  'insufficient_scope',
  'a key without the route''s scope gets 403, not the validation failure'
);
select is(
  (select (sealog_api.get_session(base || jsonb_build_object('key_digest', encode(sha256('scoped-key'::bytea), 'hex')), '') ->> 'status')::int from ctx),
  404,
  'with the status the Edge Function sent'
);

update sealog.rate_limit_buckets
   set tokens = 0, refilled_at = now() + interval '1 minute'
 where tenant_id = (select tenant_id from sealog.api_keys where key_digest = sha256('scoped-key'::bytea));
select is(
  (select sealog_api.get_session(base || jsonb_build_object('key_digest', encode(sha256('scoped-key'::bytea), 'hex')), '') ->> 'code' from ctx),
  'rate_limited',
  'an empty bucket gets 429, not the validation failure'
);

select is(
  (sealog.apply_validation_failure('{"validation_failure": {"status": 200, "code": "not_found"}}', row(200, null, null, null, null, null, null, null, null, null, null, null)::sealog.request_auth)).status::int,
  200,
  'a validation failure that is not a 4xx is ignored'
);
select is(
  (sealog.apply_validation_failure('{}', row(200, null, null, null, null, null, null, null, null, null, null, null)::sealog.request_auth)).status::int,
  200,
  'a request without a validation failure proceeds'
);

select * from finish();
rollback;
