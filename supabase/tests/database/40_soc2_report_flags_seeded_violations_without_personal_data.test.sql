-- Seeded with one violation per control, the report fails each control with the expected
-- finding; the personal data seeded alongside never appears in it.
begin;
select plan(17);

-- Logical access, classification, tenant isolation: a table without RLS or comments, open to PUBLIC.
create table sealog.violation_probe (tenant_id uuid, note text);
grant select on sealog.violation_probe to public;
-- Least privilege: a SECURITY DEFINER function without a pinned search_path, executable by anon.
create function sealog.violation_definer() returns integer language sql security definer as 'select 1';
grant execute on function sealog.violation_definer() to anon;
-- Authentication: a usable key 100 days old, never used.
select sealog_admin.create_tenant('Violation Corp') as tenant_id \gset
select sealog_admin.issue_key(:'tenant_id', sha256('violation-key'), 'slg_live_viol') as key_id \gset
update sealog.api_keys set created_at = now() - interval '100 days' where key_id = :'key_id';
-- Audit logging: service_role may rewrite the access log.
grant update on sealog.api_access_log to service_role;
-- Data retention: an access-log row 120 days old, holding personal data; a purge unscheduled.
insert into sealog.api_access_log (request_id, received_at, tenant_id, user_id, method, path, status_code, duration_ms, user_agent, client_ip, caller_kind, db_role)
values (gen_random_uuid(), now() - interval '120 days', :'tenant_id', 'a1b2c3d4-0000-4000-8000-00000000dead',
        'GET', '/ingest/whoami', 200, 1, 'ViolationAgent/9.9', '203.0.113.99', 'user', 'sealog_functions');
select cron.unschedule('sealog-purge-cron-history');
-- ...and the job that drops the purges' detached expired days, paused.
select cron.alter_job(jobid, active => false) from cron.job where jobname = 'sealog-purge-detached-days';

select sealog_admin.generate_soc2_report() as report \gset

select is(:'report'::jsonb ->> 'status', 'fail', 'the report fails');
select is((:'report'::jsonb -> 'summary' ->> 'failing')::int, 7, 'all seven controls fail');

create function pg_temp.has_finding(p_report jsonb, p_control text, p_code text, p_object text) returns boolean
language sql as $$
  select exists (
    select 1
      from jsonb_array_elements(p_report -> 'controls') c, jsonb_array_elements(c -> 'findings') f
     where c ->> 'id' = p_control and f ->> 'code' = p_code and f ->> 'object' like p_object)
$$;

select ok(pg_temp.has_finding(:'report', 'logical_access_controls', 'rls_disabled', 'sealog.violation_probe'), 'a table without RLS is found');
select ok(pg_temp.has_finding(:'report', 'logical_access_controls', 'granted_to_public', 'sealog.violation_probe'), 'a grant to PUBLIC is found');
select ok(pg_temp.has_finding(:'report', 'authentication_mechanism', 'key_past_rotation_age', :'key_id'), 'a key past its rotation age is found');
select ok(pg_temp.has_finding(:'report', 'authentication_mechanism', 'key_never_used', :'key_id'), 'a key never used is found');
select ok(pg_temp.has_finding(:'report', 'tenant_isolation', 'tenant_data_reachable_by_client_role', 'sealog.violation_probe'), 'tenant data reachable by anon is found');
select ok(pg_temp.has_finding(:'report', 'tenant_isolation', 'edge_role_table_privilege', 'sealog.violation_probe'), 'a table privilege of the edge role is found');
select ok(pg_temp.has_finding(:'report', 'audit_logging', 'audit_trail_writable', 'sealog.api_access_log'), 'a writable audit trail is found');
select ok(pg_temp.has_finding(:'report', 'data_retention', 'retention_exceeded', 'sealog.api_access_log'), 'a row past its retention is found');
select ok(pg_temp.has_finding(:'report', 'data_retention', 'purge_job_missing', 'sealog-purge-cron-history'), 'a missing purge job is found');
select ok(pg_temp.has_finding(:'report', 'data_retention', 'purge_job_missing', 'sealog-purge-detached-days'), 'a paused drop of detached expired days is found');
select ok(pg_temp.has_finding(:'report', 'least_privilege', 'search_path_not_pinned', 'sealog.violation_definer()'), 'a definer function without search_path is found');
select ok(pg_temp.has_finding(:'report', 'least_privilege', 'definer_executable_by_client', 'sealog.violation_definer()'), 'a definer function executable by anon is found');
select ok(pg_temp.has_finding(:'report', 'data_classification', 'unclassified', 'sealog.violation_probe%'), 'an unclassified table and its columns are found');

select ok(
  :'report'::text not like '%203.0.113.99%'
  and :'report'::text not like '%ViolationAgent%'
  and :'report'::text not like '%a1b2c3d4-0000-4000-8000-00000000dead%'
  and :'report'::text not like '%Violation Corp%',
  'the report holds no IP, user agent, user id or tenant name'
);

select is(
  (select status from sealog.compliance_reports where report_id = (:'report'::jsonb ->> 'report_id')::bigint),
  'fail',
  'the failing report is stored too'
);

select * from finish();
rollback;
