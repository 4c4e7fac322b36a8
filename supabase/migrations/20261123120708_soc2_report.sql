/**
 * SOC 2 CC6.1 evidence, read live from the catalog.
 *
 * sealog_admin.generate_soc2_report() builds one JSON report with a section per control of
 * the spec (logical access controls, authentication mechanism, tenant isolation, audit
 * logging, data retention, least privilege, data classification, password hashing), stores it in
 * sealog.compliance_reports and returns it. Each section carries its evidence and its
 * findings; a control passes when it has no finding. Evidence is catalog metadata, counts,
 * and tenant/key ids and prefixes: never a row value that could be personal data (no user
 * id, end-user id, IP, user agent, email or tenant name), and never pg_cron's
 * return_message, which can quote row values. The controls are the migrations …120701 to
 * …120707 and …120709, over the helpers of …120700.
 *
 * pg_cron takes a weekly snapshot (Mondays 06:00 UTC); `deno task report` prints it.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function sealog_admin.generate_soc2_report(
  p_now timestamptz default now(),
  p_rotation_age interval default interval '90 days'
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_controls jsonb;
  v_failing integer;
  v_report jsonb;
  v_report_id bigint;
begin
  v_controls := jsonb_build_array(
    sealog.soc2_logical_access(),
    sealog.soc2_authentication(p_now, p_rotation_age),
    sealog.soc2_tenant_isolation(),
    sealog.soc2_audit_logging(p_now),
    sealog.soc2_data_retention(p_now),
    sealog.soc2_least_privilege(p_now),
    sealog.soc2_data_classification(),
    sealog.soc2_password_hashing());
  select count(*) into v_failing from jsonb_array_elements(v_controls) c where c ->> 'status' = 'fail';
  v_report := jsonb_build_object(
    'framework', 'SOC 2',
    'criterion', 'CC6.1',
    'title', 'Logical access security: software, infrastructure and architectures over protected information assets',
    'format_version', 1,
    'generated_at', p_now,
    'database', current_database(),
    'status', case when v_failing = 0 then 'pass' else 'fail' end,
    'summary', jsonb_build_object(
      'controls', jsonb_array_length(v_controls),
      'passing', jsonb_array_length(v_controls) - v_failing,
      'failing', v_failing,
      'findings', (select coalesce(sum(jsonb_array_length(c -> 'findings')), 0) from jsonb_array_elements(v_controls) c)),
    'controls', v_controls);
  insert into sealog.compliance_reports (framework, criterion, generated_at, status, report)
  values ('SOC 2', 'CC6.1', p_now, v_report ->> 'status', v_report)
  returning report_id into v_report_id;
  return jsonb_build_object('report_id', v_report_id) || v_report;
end
$$;
comment on function sealog_admin.generate_soc2_report(timestamptz, interval) is 'Generates the SOC 2 CC6.1 evidence report from the live catalog, stores it in sealog.compliance_reports and returns it with its report_id.';

create function sealog_admin.latest_soc2_report()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object('report_id', r.report_id) || r.report
    from sealog.compliance_reports r
   where r.framework = 'SOC 2'
     and r.criterion = 'CC6.1'
   order by r.generated_at desc, r.report_id desc
   limit 1
$$;
comment on function sealog_admin.latest_soc2_report() is 'The most recent stored SOC 2 CC6.1 report, or null when none was generated yet.';

-- Owner (postgres) only.
revoke all on function sealog_admin.generate_soc2_report(timestamptz, interval) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog_admin.latest_soc2_report() from public, anon, authenticated, service_role, sealog_edge;

/** Section - Weekly snapshot, Mondays 06:00 UTC (cron.schedule upserts by name) */

select cron.schedule('sealog-soc2-report', '0 6 * * 1', 'select sealog_admin.generate_soc2_report()');
