-- On the migrated database (with the suite's own traffic), the SOC 2 CC6.1 report passes
-- every control, carries the evidence of each, is stored, and is the latest report.
begin;
select plan(10);

select sealog_admin.generate_soc2_report() as report \gset

select is(
  (select jsonb_agg(c ->> 'id') from jsonb_array_elements(:'report'::jsonb -> 'controls') c),
  '["logical_access_controls", "authentication_mechanism", "tenant_isolation", "audit_logging", "data_retention", "least_privilege", "data_classification", "password_hashing"]'::jsonb,
  'the report has the seven controls of the spec and password hashing, in order'
);
select is(
  jsonb_path_query_array(:'report'::jsonb, '$.controls[*].findings[*]'),
  '[]'::jsonb,
  'no control has a finding'
);
select is(:'report'::jsonb ->> 'status', 'pass', 'the report passes');
select is(
  (select count(*)::int from sealog.compliance_reports where report_id = (:'report'::jsonb ->> 'report_id')::bigint and status = 'pass'),
  1,
  'the report is stored in compliance_reports'
);
select is(
  sealog_admin.latest_soc2_report() ->> 'report_id',
  :'report'::jsonb ->> 'report_id',
  'it is the latest report'
);

select ok(
  jsonb_path_exists(:'report'::jsonb,
    '$.controls[*] ? (@.id == "logical_access_controls").evidence.tables[*] ? (@.table == "sealog.api_access_log" && @.rls_forced == true && @.policies[0].name == "api_access_log_select_policy")'),
  'logical access evidence lists RLS and policies per table'
);
select ok(
  jsonb_path_exists(:'report'::jsonb,
    '$.controls[*] ? (@.id == "least_privilege").evidence.security_definer_functions[*] ? (@.function == "sealog.purge_telemetry(timestamp with time zone,integer)" && @.search_path == "\"\"" && @.executable_by.size() == 1 && @.executable_by[0] == "postgres")'),
  'least-privilege evidence lists SECURITY DEFINER functions with search_path and grantees'
);
select ok(
  jsonb_path_exists(:'report'::jsonb,
    '$.controls[*] ? (@.id == "data_retention").evidence.policies[*] ? (@.category == "telemetry" && @.schedule == "15 * * * *" && @.adherent == true)'),
  'retention evidence lists each policy with its job and adherence'
);
select is(
  (select (c -> 'evidence' ->> 'columns')::int - (c -> 'evidence' ->> 'columns_classified')::int
     from jsonb_array_elements(:'report'::jsonb -> 'controls') c where c ->> 'id' = 'data_classification'),
  0,
  'classification evidence shows full coverage'
);
select ok(
  jsonb_path_exists(:'report'::jsonb,
    '$.controls[*] ? (@.id == "audit_logging").evidence.api_access_log_last_7_days.requests'),
  'audit evidence carries the access-log volume'
);

select * from finish();
rollback;
