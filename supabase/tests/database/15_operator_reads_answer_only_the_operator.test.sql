-- The operator read functions (GET /operator/*) are executable by the Edge Functions' role
-- alone, answer only a request the Edge Function established as the operator's (403 for a
-- tenant key of any scope, 401 for anything else) and write the read's own access-log row.
begin;
select plan(16);

select sealog_admin.issue_key(sealog_admin.create_tenant('operator reads'), sha256('op-all'::bytea), 'slg_live_opr1',
  array['ingest', 'auth-events', 'privacy', 'read', 'audit']);

create temporary table replies (kind text primary key, request_id uuid, reply jsonb) on commit drop;
grant insert on replies to sealog_edge;

create function pg_temp.ctx(p_extra jsonb, p_request_id uuid) returns jsonb language sql as $$
  select jsonb_build_object('request_id', p_request_id, 'method', 'GET', 'path', '/operator/x') || p_extra
$$;
grant execute on function pg_temp.ctx(jsonb, uuid) to sealog_edge;

set local role sealog_edge;
insert into replies select 'tenants', r, sealog_api.list_tenants(pg_temp.ctx('{"caller": "operator"}', r)) from gen_random_uuid() r;
insert into replies select 'retention', r, sealog_api.get_retention_status(pg_temp.ctx('{"caller": "operator"}', r)) from gen_random_uuid() r;
insert into replies select 'inventory', r, sealog_api.get_data_inventory(pg_temp.ctx('{"caller": "operator"}', r)) from gen_random_uuid() r;
insert into replies select 'report', r, sealog_api.get_soc2_report(pg_temp.ctx('{"caller": "operator"}', r), '{"fresh": true}') from gen_random_uuid() r;
insert into replies select 'tenants by tenant key', r,
  sealog_api.list_tenants(pg_temp.ctx(jsonb_build_object('key_digest', encode(sha256('op-all'::bytea), 'hex')), r))
  from gen_random_uuid() r;
insert into replies select 'report by tenant key', r,
  sealog_api.get_soc2_report(pg_temp.ctx(jsonb_build_object('key_digest', encode(sha256('op-all'::bytea), 'hex')), r), '{"fresh": true}')
  from gen_random_uuid() r;
insert into replies select 'inventory by unknown key', r,
  sealog_api.get_data_inventory(pg_temp.ctx(jsonb_build_object('key_digest', encode(sha256('nobody'::bytea), 'hex')), r))
  from gen_random_uuid() r;
insert into replies select 'usage', r,
  sealog_api.get_operator_usage(pg_temp.ctx('{"caller": "operator"}', r), jsonb_build_object('from', now() - interval '1 day', 'to', now()))
  from gen_random_uuid() r;
insert into replies select 'usage by tenant key', r,
  sealog_api.get_operator_usage(pg_temp.ctx(jsonb_build_object('key_digest', encode(sha256('op-all'::bytea), 'hex')), r),
                                jsonb_build_object('from', now() - interval '1 day', 'to', now()))
  from gen_random_uuid() r;
insert into replies select 'retention without caller', r, sealog_api.get_retention_status(pg_temp.ctx('{}', r)) from gen_random_uuid() r;
reset role;

select is((select jsonb_array_length(reply -> 'body' -> 'tenants') from replies where kind = 'tenants'),
  (select count(*)::int from sealog.tenants), 'the operator lists every tenant');
select is((select jsonb_array_length(reply -> 'body' -> 'categories') from replies where kind = 'retention'),
  (select count(*)::int from sealog.retention_policies), 'and the status of every retention category');
select is((select jsonb_array_length(reply -> 'body' -> 'objects') from replies where kind = 'inventory'),
  (select count(*)::int from sealog_admin.data_inventory), 'and the whole data inventory');
select is((select (reply -> 'body' ->> 'report_id')::bigint from replies where kind = 'report'),
  (select max(report_id) from sealog.compliance_reports), 'a fresh report is generated and stored');
select is((select caller_kind from sealog.api_access_log where request_id = (select request_id from replies where kind = 'tenants')),
  'operator', 'each read writes its access-log row as the operator''s');
select is((select reply ->> 'code' from replies where kind = 'tenants by tenant key'), 'insufficient_scope',
  'a tenant key with every scope cannot list tenants');
select is((select reply ->> 'code' || ' ' || jsonb_typeof(reply -> 'body') from replies where kind = 'report by tenant key'),
  'insufficient_scope null', 'nor read a report');
select is((select count(*)::int from sealog.compliance_reports where report_id > (select (reply -> 'body' ->> 'report_id')::bigint from replies where kind = 'report')),
  0, 'and generates none');
select is((select jsonb_array_length(reply -> 'body' -> 'tenants') from replies where kind = 'usage'),
  (select count(*)::int from sealog.tenants), 'the operator reads every tenant''s usage');
select is((select reply ->> 'code' || ' ' || jsonb_typeof(reply -> 'body') from replies where kind = 'usage by tenant key'),
  'insufficient_scope null', 'a tenant key with every scope reads no one''s usage');
select is((select reply ->> 'code' from replies where kind = 'inventory by unknown key'), 'unauthorized',
  'an unknown key reads nothing');
select is((select reply ->> 'code' from replies where kind = 'retention without caller'), 'unauthorized',
  'nor does a request without a credential');

select ok(not has_function_privilege('authenticated', 'sealog_api.list_tenants(jsonb)', 'execute')
      and not has_function_privilege('anon', 'sealog_api.list_tenants(jsonb)', 'execute')
      and not has_function_privilege('service_role', 'sealog_api.list_tenants(jsonb)', 'execute'),
  'no client role can list tenants');
select ok(not has_function_privilege('authenticated', 'sealog_api.get_soc2_report(jsonb, jsonb)', 'execute')
      and not has_function_privilege('anon', 'sealog_api.get_soc2_report(jsonb, jsonb)', 'execute'),
  'nor read the report');
select ok(not has_function_privilege('authenticated', 'sealog_api.get_data_inventory(jsonb)', 'execute')
      and not has_function_privilege('authenticated', 'sealog_api.get_retention_status(jsonb)', 'execute'),
  'nor the inventory or retention status');
select ok(has_function_privilege('sealog_edge', 'sealog_api.list_tenants(jsonb)', 'execute')
      and has_function_privilege('sealog_edge', 'sealog_api.get_soc2_report(jsonb, jsonb)', 'execute')
      and has_function_privilege('sealog_edge', 'sealog_api.get_data_inventory(jsonb)', 'execute')
      and has_function_privilege('sealog_edge', 'sealog_api.get_retention_status(jsonb)', 'execute'),
  'the Edge Functions'' role can');

select * from finish();
rollback;
