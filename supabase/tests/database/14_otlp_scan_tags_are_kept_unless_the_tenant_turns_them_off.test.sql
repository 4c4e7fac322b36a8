-- The OTLP content scan's risk tags are kept by default and dropped before storage when the
-- tenant turns otlp_scan_tags off; only operators change the setting.
begin;
select plan(6);

select sealog_admin.create_tenant('otlp scan tenant') as tenant_id \gset
select sealog_admin.issue_key(:'tenant_id', sha256('otlp-scan-key'), 'slg_live_otlp', array['ingest']) is not null as issued \gset

select is((select otlp_scan_tags from sealog.tenants where tenant_id = :'tenant_id'), true,
  'the content scan''s tags are kept by default');
select ok(not sealog_admin.set_otlp_scan_tags(gen_random_uuid(), false),
  'an unknown tenant is reported as false');
select ok(not has_function_privilege('sealog_edge', 'sealog_admin.set_otlp_scan_tags(uuid, boolean)', 'execute'),
  'the functions'' role cannot change the setting');

-- Two spans as the otlp function sends them: the first while the setting is on, the second off.
create temporary table spans (event_id uuid, on_or_off boolean) on commit drop;
insert into spans values (gen_random_uuid(), true), (gen_random_uuid(), false);
grant select on spans to sealog_edge;

set local role sealog_edge;
select sealog_api.ingest_otlp(
  jsonb_build_object('request_id', gen_random_uuid(), 'method', 'POST', 'path', '/otlp/v1/traces',
                     'key_digest', encode(sha256('otlp-scan-key'), 'hex')),
  jsonb_build_array(jsonb_build_object(
    'i', 0, 'event_id', (select event_id from spans where on_or_off), 'session_id', 'otlp-scan',
    'occurred_at', now(), 'model', 'model', 'input_tokens', 1, 'output_tokens', 1,
    'risk_tags', jsonb_build_array('PII_EMAIL')))
) ->> 'status' as status_on \gset
reset role;
select ok(sealog_admin.set_otlp_scan_tags(:'tenant_id', false), 'an operator turns it off');
set local role sealog_edge;
select sealog_api.ingest_otlp(
  jsonb_build_object('request_id', gen_random_uuid(), 'method', 'POST', 'path', '/otlp/v1/traces',
                     'key_digest', encode(sha256('otlp-scan-key'), 'hex')),
  jsonb_build_array(jsonb_build_object(
    'i', 0, 'event_id', (select event_id from spans where not on_or_off), 'session_id', 'otlp-scan',
    'occurred_at', now(), 'model', 'model', 'input_tokens', 1, 'output_tokens', 1,
    'risk_tags', jsonb_build_array('PII_EMAIL')))
) ->> 'status' as status_off \gset
reset role;

select is(array[:'status_on', :'status_off'], array['200', '200'], 'both spans are accepted');
select results_eq(
  format($$select coalesce(l.risk_tags, '{}')::text[] from sealog.llm_request_logs l
            join spans s using (event_id) where l.tenant_id = %L order by s.on_or_off desc$$, :'tenant_id'),
  $$values (array['PII_EMAIL']::text[]), (array[]::text[])$$,
  'on: the tags are stored; off: they are dropped, the span still stored'
);

select * from finish();
rollback;
