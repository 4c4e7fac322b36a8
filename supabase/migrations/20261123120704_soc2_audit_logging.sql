/**
 * SOC 2 CC6.1 control: audit logging (access log coverage, metadata only).
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function sealog.soc2_audit_logging(p_now timestamptz)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_trails jsonb := '[]'::jsonb;
  v_findings jsonb := '[]'::jsonb;
  v_policy record;
  v_counts jsonb;
  v_writers jsonb;
  v_forced boolean;
begin
  -- Audit trails are the categories that record who did what: the API access log, auth
  -- events (when present) and the purge log. Each must be append-only for every role but
  -- its owner, and RLS must bind even the owner.
  for v_policy in
    select p.category, p.table_name, p.time_column, to_regclass(p.table_name) as relid
      from sealog.retention_policies p
     where p.category in ('api_access_logs', 'auth_events', 'purge_log')
     order by p.category
  loop
    continue when v_policy.relid is null;
    execute format(
      'select jsonb_build_object(''rows_24h'', count(*) filter (where %1$I > $1 - interval ''24 hours''),
                                 ''rows_7d'', count(*) filter (where %1$I > $1 - interval ''7 days''),
                                 ''rows_30d'', count(*) filter (where %1$I > $1 - interval ''30 days''))
         from %2$s where %1$I > $1 - interval ''30 days''',
      v_policy.time_column, v_policy.relid)
      into v_counts using p_now;
    select sealog.role_names(c.relacl, c.relowner, 'INSERT')
             || sealog.role_names(c.relacl, c.relowner, 'UPDATE')
             || sealog.role_names(c.relacl, c.relowner, 'DELETE')
             || sealog.role_names(c.relacl, c.relowner, 'TRUNCATE'),
           c.relforcerowsecurity
      into v_writers, v_forced
      from pg_catalog.pg_class c
     where c.oid = v_policy.relid;
    v_trails := v_trails || jsonb_build_object(
      'category', v_policy.category,
      'table', v_policy.table_name,
      'rls_forced', v_forced,
      'writable_by', v_writers,
      'volume', v_counts);
    if jsonb_array_length(v_writers) > 0 then
      v_findings := v_findings || sealog.soc2_finding('audit_trail_writable', v_policy.table_name,
        format('roles other than the owner may modify the audit trail: %s', v_writers));
    end if;
    if not v_forced then
      v_findings := v_findings || sealog.soc2_finding('audit_trail_rls_not_forced', v_policy.table_name,
        'row level security does not bind the table''s owner');
    end if;
  end loop;

  if to_regclass('sealog.api_access_log') is null then
    v_findings := v_findings || sealog.soc2_finding('api_access_log_missing', 'sealog.api_access_log',
      'the API access log does not exist');
  end if;

  return sealog.soc2_control(
    'audit_logging',
    'Audit logging: one access-log row per API request, append-only audit trails',
    v_findings,
    jsonb_build_object(
      'trails', v_trails,
      'api_access_log_last_7_days', (
        select jsonb_build_object(
                 'requests', count(*),
                 'status_2xx', count(*) filter (where l.status_code between 200 and 299),
                 'status_4xx', count(*) filter (where l.status_code between 400 and 499),
                 'status_5xx', count(*) filter (where l.status_code between 500 and 599),
                 'unauthorized_401', count(*) filter (where l.status_code = 401),
                 'forbidden_403', count(*) filter (where l.status_code = 403),
                 'rate_limited_429', count(*) filter (where l.status_code = 429),
                 'tenants', count(distinct l.tenant_id))
          from sealog.api_access_log l
         where l.received_at > p_now - interval '7 days'
           and l.received_at <= p_now)
    )
  );
end
$$;
comment on function sealog.soc2_audit_logging(timestamptz) is 'CC6.1 audit logging: each audit trail''s volume, writers and RLS, and the access log''s request counts by status; findings for writable or unforced trails.';

-- Owner (postgres) only.
revoke all on function sealog.soc2_audit_logging(timestamptz) from public, anon, authenticated, service_role, sealog_edge;
