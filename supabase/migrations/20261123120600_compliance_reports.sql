/**
 * Compliance reports: generated evidence (SOC 2 CC6.1 to begin with), stored as JSON and
 * kept indefinitely. Reports are built from catalog metadata, counts and ids only, never
 * from row values that could be personal data.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create table sealog.compliance_reports (
  report_id bigint generated always as identity primary key,
  framework text not null check (framework ~ '^[A-Za-z0-9 .-]{1,32}$'),
  criterion text not null check (criterion ~ '^[A-Za-z0-9 .-]{1,32}$'),
  generated_at timestamptz not null,
  status text not null check (status in ('pass', 'fail')),
  report jsonb not null check (jsonb_typeof(report) = 'object')
);
create index compliance_reports_framework_generated_at_idx
  on sealog.compliance_reports (framework, criterion, generated_at);
comment on table sealog.compliance_reports is 'CONFIDENTIAL; pii=none; retention=compliance_reports. Generated compliance evidence, one JSON report per run; kept indefinitely.';
comment on column sealog.compliance_reports.report_id is 'INTERNAL; pii=none; retention=compliance_reports. Row id.';
comment on column sealog.compliance_reports.framework is 'INTERNAL; pii=none; retention=compliance_reports. Framework, e.g. SOC 2.';
comment on column sealog.compliance_reports.criterion is 'INTERNAL; pii=none; retention=compliance_reports. Criterion within the framework, e.g. CC6.1.';
comment on column sealog.compliance_reports.generated_at is 'INTERNAL; pii=none; retention=compliance_reports. The instant the evidence describes.';
comment on column sealog.compliance_reports.status is 'INTERNAL; pii=none; retention=compliance_reports. pass when no control has a finding, else fail.';
comment on column sealog.compliance_reports.report is 'CONFIDENTIAL; pii=none; retention=compliance_reports. The report: controls, their status, findings and evidence read from the catalog (object names, counts and ids only).';

alter table sealog.compliance_reports enable row level security;
alter table sealog.compliance_reports force row level security;
revoke all on table sealog.compliance_reports from public, anon, authenticated, service_role;
grant select on table sealog.compliance_reports to service_role;
-- service_role may read reports for auditors; rows are written only by sealog_admin.generate_soc2_report.
create policy compliance_reports_select_policy on sealog.compliance_reports
  for select to service_role using (true);
