/**
 * SOC 2 CC6.1 evidence, read live from the catalog.
 *
 * sealog_admin.generate_soc2_report() builds one JSON report with a section per control of
 * the spec (logical access controls, authentication mechanism, tenant isolation, audit
 * logging, data retention, least privilege, data classification), stores it in
 * sealog.compliance_reports and returns it. Each section carries its evidence and its
 * findings; a control passes when it has no finding. Evidence is catalog metadata, counts,
 * and tenant/key ids and prefixes: never a row value that could be personal data (no user
 * id, end-user id, IP, user agent, email or tenant name), and never pg_cron's
 * return_message, which can quote row values.
 *
 * Rotation age of API keys: 90 days (a key older than that, still usable, is a finding); a
 * usable key never used 30 days after its issue is a finding too.
 *
 * pg_cron takes a weekly snapshot (Mondays 06:00 UTC); `deno task report` prints it.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

/** Section - Helpers */

create function sealog.soc2_control(p_id text, p_title text, p_findings jsonb, p_evidence jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_id,
    'title', p_title,
    'status', case when jsonb_array_length(coalesce(p_findings, '[]')) = 0 then 'pass' else 'fail' end,
    'findings', coalesce(p_findings, '[]'),
    'evidence', p_evidence
  )
$$;
comment on function sealog.soc2_control(text, text, jsonb, jsonb) is 'Builds one control section of a report; status is pass when there is no finding.';

create function sealog.soc2_finding(p_code text, p_object text, p_detail text)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('code', p_code, 'object', p_object, 'detail', p_detail)
$$;
comment on function sealog.soc2_finding(text, text, text) is 'Builds one finding: a stable code, the object concerned and a sentence.';

create function sealog.oldest_row_at(p_table regclass, p_column text)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  v_oldest timestamptz;
  v_partition regclass;
  v_found timestamptz;
begin
  if not exists (select 1 from pg_catalog.pg_partitioned_table where partrelid = p_table) then
    execute format('select min(%I) from %s', p_column, p_table) into v_oldest;
    return v_oldest;
  end if;
  -- Partitioned by day: the default partition can hold any day; otherwise the oldest
  -- non-empty partition holds the oldest row, so only it is read.
  for v_partition in
    select c.oid::regclass
      from pg_catalog.pg_inherits i
      join pg_catalog.pg_class c on c.oid = i.inhrelid
     where i.inhparent = p_table
     order by pg_catalog.pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT',
              substring(pg_catalog.pg_get_expr(c.relpartbound, c.oid) from 'FROM \(''([^'']+)''\)')::timestamptz
  loop
    execute format('select min(%I) from %s', p_column, v_partition) into v_found;
    v_oldest := least(v_oldest, v_found);
    exit when v_found is not null and v_partition::text not like '%\_default';
  end loop;
  return v_oldest;
end
$$;
comment on function sealog.oldest_row_at(regclass, text) is 'The oldest value of a time column in a table; for a partitioned table it reads the default partition and the oldest non-empty partition only.';

create function sealog.role_names(p_acl aclitem[], p_owner oid, p_privilege text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(distinct case when a.grantee = 0 then 'public' else pg_catalog.pg_get_userbyid(a.grantee)::text end), '[]')
    from pg_catalog.aclexplode(p_acl) a
   where a.privilege_type = p_privilege
     and a.grantee <> p_owner
$$;
comment on function sealog.role_names(aclitem[], oid, text) is 'The roles other than the owner that an ACL grants a privilege to (public for PUBLIC), as a sorted JSON array.';

/** Section - Logical access controls */

create function sealog.soc2_logical_access()
returns jsonb
language sql
stable
set search_path = ''
as $$
  with t as (
    select a.relid, format('%I.%I', a.schema_name, a.table_name) as name, a.is_partition, c.relrowsecurity,
           c.relforcerowsecurity, c.relacl, c.relowner
      from sealog.application_tables() a
      join pg_catalog.pg_class c on c.oid = a.relid
  ),
  findings as (
    select sealog.soc2_finding('rls_disabled', t.name, 'row level security is not enabled') as f
      from t where not t.relrowsecurity
    union all
    select sealog.soc2_finding('granted_to_public', t.name, 'a table privilege is granted to PUBLIC')
      from t
     where exists (select 1 from pg_catalog.aclexplode(t.relacl) a where a.grantee = 0)
    union all
    select sealog.soc2_finding('client_role_without_policy', format('%s to %s', t.name, r.rolname),
                               'anon or authenticated holds a privilege on the table but no policy applies to it')
      from t
     cross join (values ('anon'), ('authenticated')) as r(rolname)
     where pg_catalog.has_table_privilege(r.rolname, t.relid, 'select, insert, update, delete')
       and not exists (
         select 1 from pg_catalog.pg_policy p
          where p.polrelid = t.relid
            and (0 = any (p.polroles) or (select oid from pg_catalog.pg_roles where rolname = r.rolname) = any (p.polroles)))
  )
  select sealog.soc2_control(
    'logical_access_controls',
    'Logical access controls: row level security, policies and grants per table',
    (select jsonb_agg(f) from findings),
    jsonb_build_object(
      'tables', (
        select coalesce(jsonb_agg(jsonb_build_object(
                 'table', t.name,
                 'rls_enabled', t.relrowsecurity,
                 'rls_forced', t.relforcerowsecurity,
                 'policies', (
                   select coalesce(jsonb_agg(jsonb_build_object(
                            'name', p.polname,
                            'command', case p.polcmd when 'r' then 'select' when 'a' then 'insert'
                                         when 'w' then 'update' when 'd' then 'delete' else 'all' end,
                            'permissive', p.polpermissive,
                            'roles', (select jsonb_agg(case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r)::text end order by r)
                                        from unnest(p.polroles) r),
                            'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
                            'with_check', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)
                          ) order by p.polname), '[]')
                     from pg_catalog.pg_policy p
                    where p.polrelid = t.relid),
                 'grants', (
                   select coalesce(jsonb_agg(jsonb_build_object('grantee', g.grantee, 'privileges', g.privileges) order by g.grantee), '[]')
                     from (select case when a.grantee = 0 then 'public' else pg_catalog.pg_get_userbyid(a.grantee)::text end as grantee,
                                  jsonb_agg(a.privilege_type order by a.privilege_type) as privileges
                             from pg_catalog.aclexplode(t.relacl) a
                            where a.grantee <> t.relowner
                            group by 1) g),
                 'column_grants', (
                   select coalesce(jsonb_agg(jsonb_build_object('column', g.attname, 'grantee', g.grantee, 'privileges', g.privileges)
                                             order by g.attname, g.grantee), '[]')
                     from (select at.attname,
                                  case when a.grantee = 0 then 'public' else pg_catalog.pg_get_userbyid(a.grantee)::text end as grantee,
                                  jsonb_agg(a.privilege_type order by a.privilege_type) as privileges
                             from pg_catalog.pg_attribute at
                            cross join pg_catalog.aclexplode(at.attacl) a
                            where at.attrelid = t.relid
                              and at.attacl is not null
                            group by 1, 2) g)
               ) order by t.name), '[]')
          from t
         where not t.is_partition),
      'partitions', (
        select jsonb_build_object(
                 'count', count(*),
                 'rls_enabled', count(*) filter (where t.relrowsecurity),
                 'rls_forced', count(*) filter (where t.relforcerowsecurity),
                 'with_grants_to_other_roles', count(*) filter (
                   where exists (select 1 from pg_catalog.aclexplode(t.relacl) a where a.grantee <> t.relowner)))
          from t
         where t.is_partition)
    )
  )
$$;
comment on function sealog.soc2_logical_access() is 'CC6.1 logical access controls: RLS status, policies and grants of every application table; findings for RLS off, PUBLIC grants, and client-role privileges without a policy.';

/** Section - Authentication mechanism */

create function sealog.soc2_authentication(p_now timestamptz, p_rotation_age interval)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with usable as (
    select k.key_id, k.tenant_id, k.display_prefix, k.created_at, k.last_used_at,
           extract(day from p_now - k.created_at)::integer as age_days
      from sealog.api_keys k
      join sealog.tenants t on t.tenant_id = k.tenant_id
     where k.revoked_at is null
       and (k.expires_at is null or k.expires_at > p_now)
       and t.disabled_at is null
  ),
  findings as (
    select sealog.soc2_finding('key_past_rotation_age', u.key_id::text,
                               format('usable key %s of tenant %s is %s days old (rotation age %s)',
                                      u.display_prefix, u.tenant_id, u.age_days, p_rotation_age)) as f
      from usable u
     where u.created_at <= p_now - p_rotation_age
    union all
    select sealog.soc2_finding('key_never_used', u.key_id::text,
                               format('usable key %s of tenant %s was issued %s days ago and never used',
                                      u.display_prefix, u.tenant_id, u.age_days))
      from usable u
     where u.last_used_at is null
       and u.created_at <= p_now - interval '30 days'
  )
  select sealog.soc2_control(
    'authentication_mechanism',
    'Authentication mechanism: API keys stored as digests, rotation and use',
    (select jsonb_agg(f order by f ->> 'code', f ->> 'object') from findings),
    jsonb_build_object(
      'mechanisms', jsonb_build_array(
        'Tenant API keys: bearer tokens of 256 random bits, stored only as SHA-256 digests and looked up by digest (sealog.resolve_credential)',
        'Static token map (SEALOG_TENANT_TOKEN_MAP): compared in constant time by the Edge Functions, outside the database',
        'Supabase Auth access tokens: verified by the Edge Functions against the project''s JWKS',
        'Supabase Auth hooks: Standard Webhooks signatures verified by the Edge Functions'),
      'key_storage', jsonb_build_object(
        'digest_column', (select format_type(a.atttypid, a.atttypmod) from pg_catalog.pg_attribute a
                           where a.attrelid = 'sealog.api_keys'::regclass and a.attname = 'key_digest'),
        'digest_length_checked', exists (
          select 1 from pg_catalog.pg_constraint c
           where c.conrelid = 'sealog.api_keys'::regclass
             and c.contype = 'c'
             and pg_catalog.pg_get_constraintdef(c.oid) like '%octet_length(key_digest) = 32%'),
        'digest_readable_by', sealog.role_names(
          (select a.attacl from pg_catalog.pg_attribute a
            where a.attrelid = 'sealog.api_keys'::regclass and a.attname = 'key_digest'),
          0, 'SELECT') || sealog.role_names(
          (select c.relacl from pg_catalog.pg_class c where c.oid = 'sealog.api_keys'::regclass),
          (select c.relowner from pg_catalog.pg_class c where c.oid = 'sealog.api_keys'::regclass), 'SELECT')),
      'rotation_age_days', extract(day from p_rotation_age)::integer,
      'api_keys', jsonb_build_object(
        'total', (select count(*) from sealog.api_keys),
        'usable', (select count(*) from usable),
        'revoked', (select count(*) from sealog.api_keys where revoked_at is not null),
        'expired', (select count(*) from sealog.api_keys where revoked_at is null and expires_at <= p_now),
        'with_expiry', (select count(*) from usable where key_id in (select key_id from sealog.api_keys where expires_at is not null)),
        'past_rotation_age', (select count(*) from usable where created_at <= p_now - p_rotation_age),
        'never_used', (select count(*) from usable where last_used_at is null),
        'used_in_last_30_days', (select count(*) from usable where last_used_at > p_now - interval '30 days'))
    )
  )
$$;
comment on function sealog.soc2_authentication(timestamptz, interval) is 'CC6.1 authentication mechanism: how credentials are stored and verified, key counts; findings for usable keys past their rotation age or never used 30 days after issue.';

/** Section - Tenant isolation */

create function sealog.soc2_tenant_isolation()
returns jsonb
language sql
stable
set search_path = ''
as $$
  with exposed as (
    select trim(s) as schema_name
      from unnest(string_to_array(coalesce(current_setting('pgrst.db_schemas', true), 'public, graphql_public'), ',')) s
  ),
  tenant_tables as (
    select a.relid, format('%I.%I', a.schema_name, a.table_name) as name,
           coalesce((select pg_catalog.pg_get_indexdef(i.indexrelid, 1, true) = 'tenant_id'
                       from pg_catalog.pg_index i
                      where i.indrelid = a.relid and i.indisprimary), false) as tenant_leads_primary_key,
           exists (select 1 from (values ('anon'), ('authenticated')) r(rolname)
                    where pg_catalog.has_table_privilege(r.rolname, a.relid, 'select, insert, update, delete')
                       or pg_catalog.has_any_column_privilege(r.rolname, a.relid, 'select, insert, update')) as reachable_by_client_roles
      from sealog.application_tables() a
     where not a.is_partition
       and exists (select 1 from pg_catalog.pg_attribute at
                    where at.attrelid = a.relid and at.attname = 'tenant_id' and not at.attisdropped)
  ),
  edge_tables as (
    select format('%I.%I', a.schema_name, a.table_name) as name
      from sealog.application_tables() a
     where pg_catalog.has_table_privilege('sealog_edge', a.relid, 'select, insert, update, delete, truncate')
        or pg_catalog.has_any_column_privilege('sealog_edge', a.relid, 'select, insert, update')
  ),
  edge_functions as (
    select p.oid::regprocedure::text as name, n.nspname
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where sealog.is_application_schema(n.nspname)
       and pg_catalog.has_function_privilege('sealog_edge', p.oid, 'execute')
  ),
  findings as (
    select sealog.soc2_finding('tenant_data_reachable_by_client_role', t.name,
                               'anon or authenticated holds a privilege on a table of tenant data') as f
      from tenant_tables t where t.reachable_by_client_roles
    union all
    select sealog.soc2_finding('edge_role_table_privilege', e.name,
                               'the Edge Functions'' role holds a table privilege; it must reach data only through sealog_api')
      from edge_tables e
    union all
    select sealog.soc2_finding('edge_role_outside_api', f.name,
                               'the Edge Functions'' role can execute a function outside sealog_api')
      from edge_functions f where f.nspname <> 'sealog_api'
    union all
    select sealog.soc2_finding('private_schema_exposed', x.schema_name,
                               'a private schema is exposed to the Data API')
      from exposed x where x.schema_name like 'sealog%'
  )
  select sealog.soc2_control(
    'tenant_isolation',
    'Tenant isolation: the tenant comes from the key, tenant data is reachable only through the API functions',
    (select jsonb_agg(f) from findings),
    jsonb_build_object(
      'data_api_schemas', (select jsonb_agg(schema_name) from exposed),
      'tenant_tables', (
        select coalesce(jsonb_agg(jsonb_build_object(
                 'table', t.name,
                 'tenant_id_leads_primary_key', t.tenant_leads_primary_key,
                 'reachable_by_client_roles', t.reachable_by_client_roles) order by t.name), '[]')
          from tenant_tables t),
      'edge_role', jsonb_build_object(
        'table_privileges', (select coalesce(jsonb_agg(name order by name), '[]') from edge_tables),
        'executable_functions', (select coalesce(jsonb_agg(name order by name), '[]') from edge_functions))
    )
  )
$$;
comment on function sealog.soc2_tenant_isolation() is 'CC6.1 tenant isolation: tables of tenant data, what client roles and the Edge Functions'' role can reach; findings for any path around the API functions.';

/** Section - Audit logging */

create function sealog.soc2_audit_logging(p_now timestamptz)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_trails jsonb := '[]';
  v_findings jsonb := '[]';
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

/** Section - Data retention */

create function sealog.soc2_data_retention(p_now timestamptz)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_policies jsonb := '[]';
  v_findings jsonb := '[]';
  v_policy record;
  v_oldest timestamptz;
  v_job record;
  v_last_purge jsonb;
begin
  for v_policy in
    select p.*, to_regclass(p.table_name) as relid,
           (select count(*) from sealog.retention_overrides o where o.category = p.category) as overrides
      from sealog.retention_policies p
     order by p.category
  loop
    v_oldest := null;
    v_job := null;
    v_last_purge := null;
    if v_policy.retention is not null and v_policy.relid is not null then
      v_oldest := sealog.oldest_row_at(v_policy.relid, v_policy.time_column);
    end if;
    select j.jobname, j.schedule, j.active, d.status as last_status, d.start_time as last_start, d.end_time as last_end
      into v_job
      from cron.job j
      left join lateral (
        select r.status, r.start_time, r.end_time
          from cron.job_run_details r
         where r.jobid = j.jobid
         order by r.start_time desc nulls last
         limit 1) d on true
     where j.jobname = v_policy.purge_job;
    select jsonb_build_object('ran_at', l.ran_at, 'rows_deleted', l.rows_deleted,
                              'partitions_dropped', l.partitions_dropped, 'complete', l.complete,
                              'duration_ms', l.duration_ms)
      into v_last_purge
      from sealog.purge_log l
     where l.category = v_policy.category
       and l.ran_at <= p_now
     order by l.ran_at desc
     limit 1;

    v_policies := v_policies || jsonb_build_object(
      'category', v_policy.category,
      'table', v_policy.table_name,
      'retention', coalesce(v_policy.retention::text, 'indefinite'),
      'purge_method', v_policy.purge_method,
      'purge_function', v_policy.purge_function,
      'purge_job', v_policy.purge_job,
      'schedule', v_job.schedule,
      'job_active', v_job.active,
      'last_run_status', v_job.last_status,
      'last_run_started_at', v_job.last_start,
      'last_run_finished_at', v_job.last_end,
      'last_purge', v_last_purge,
      'tenant_overrides', v_policy.overrides,
      'oldest_row_at', v_oldest,
      'oldest_row_age_days', round((extract(epoch from p_now - v_oldest) / 86400)::numeric, 2),
      'adherent', v_policy.retention is null or v_oldest is null
                  or v_oldest > p_now - v_policy.retention - v_policy.grace);

    continue when v_policy.retention is null;
    if v_policy.relid is null then
      v_findings := v_findings || sealog.soc2_finding('retention_table_missing', v_policy.table_name,
        format('the %s policy names a table that does not exist', v_policy.category));
    end if;
    if to_regprocedure(v_policy.purge_function || '(timestamptz, integer, integer)') is null then
      v_findings := v_findings || sealog.soc2_finding('purge_function_missing', v_policy.purge_function,
        format('the %s purge function does not exist', v_policy.category));
    end if;
    if v_job.jobname is null or not v_job.active then
      v_findings := v_findings || sealog.soc2_finding('purge_job_missing', v_policy.purge_job,
        format('no active pg_cron job purges %s', v_policy.category));
    elsif v_job.last_status = 'failed' then
      v_findings := v_findings || sealog.soc2_finding('purge_job_failed', v_policy.purge_job,
        format('the last run of the %s purge failed', v_policy.category));
    end if;
    if v_oldest is not null and v_oldest <= p_now - v_policy.retention - v_policy.grace then
      v_findings := v_findings || sealog.soc2_finding('retention_exceeded', v_policy.table_name,
        format('the oldest %s row is %s days old; the policy keeps %s (plus %s grace)', v_policy.category,
               round((extract(epoch from p_now - v_oldest) / 86400)::numeric, 1), v_policy.retention, v_policy.grace));
    end if;
  end loop;

  return sealog.soc2_control(
    'data_retention',
    'Data retention: a policy per category, enforced by scheduled purges, oldest rows within policy',
    v_findings,
    jsonb_build_object(
      'policies', v_policies,
      'cron_jobs', (
        select coalesce(jsonb_agg(jsonb_build_object(
                 'job', j.jobname, 'schedule', j.schedule, 'active', j.active,
                 'last_run_status', d.status, 'last_run_started_at', d.start_time) order by j.jobname), '[]')
          from cron.job j
          left join lateral (
            select r.status, r.start_time
              from cron.job_run_details r
             where r.jobid = j.jobid
             order by r.start_time desc nulls last
             limit 1) d on true
         where j.jobname like 'sealog-%')
    )
  );
end
$$;
comment on function sealog.soc2_data_retention(timestamptz) is 'CC6.1 data retention: every policy with its job, last run, last purge and oldest row; findings for missing or failed purges and rows older than policy plus grace.';

/** Section - Least privilege */

create function sealog.soc2_least_privilege()
returns jsonb
language sql
stable
set search_path = ''
as $$
  with exposed as (
    select trim(s) as schema_name
      from unnest(string_to_array(coalesce(current_setting('pgrst.db_schemas', true), 'public, graphql_public'), ',')) s
  ),
  functions as (
    select p.oid, p.oid::regprocedure::text as name, n.nspname, p.prosecdef,
           coalesce('search_path=""' = any (p.proconfig), false) as empty_search_path,
           (select substring(c from 'search_path=(.*)') from unnest(p.proconfig) c where c like 'search_path=%') as search_path,
           sealog.role_names(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)), 0, 'EXECUTE') as executable_by,
           pg_catalog.pg_get_userbyid(p.proowner)::text as owner
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where sealog.is_application_schema(n.nspname)
       and not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
  ),
  findings as (
    select sealog.soc2_finding('search_path_not_pinned', f.name, 'the function does not set search_path = ''''') as x
      from functions f where not f.empty_search_path
    union all
    select sealog.soc2_finding('definer_executable_by_client', f.name,
                               'a SECURITY DEFINER function is executable by PUBLIC, anon or authenticated')
      from functions f
     where f.prosecdef
       and (f.executable_by ?| array['public', 'anon', 'authenticated'])
    union all
    select sealog.soc2_finding('definer_in_exposed_schema', f.name,
                               'a SECURITY DEFINER function lives in a schema exposed to the Data API')
      from functions f
     where f.prosecdef and f.nspname in (select schema_name from exposed)
    union all
    select sealog.soc2_finding('edge_role_too_powerful', r.rolname,
                               'the Edge Functions'' role can log in, bypass RLS, create roles or is a superuser')
      from pg_catalog.pg_roles r
     where r.rolname = 'sealog_edge'
       and (r.rolcanlogin or r.rolbypassrls or r.rolsuper or r.rolcreaterole)
  )
  select sealog.soc2_control(
    'least_privilege',
    'Least privilege: SECURITY DEFINER functions pin their search_path and are granted explicitly',
    (select jsonb_agg(x) from findings),
    jsonb_build_object(
      'security_definer_functions', (
        select coalesce(jsonb_agg(jsonb_build_object(
                 'function', f.name, 'owner', f.owner, 'search_path', f.search_path,
                 'executable_by', f.executable_by) order by f.name), '[]')
          from functions f where f.prosecdef),
      'functions_total', (select count(*) from functions),
      'functions_with_empty_search_path', (select count(*) from functions where empty_search_path),
      'roles', (
        select jsonb_agg(jsonb_build_object(
                 'role', r.rolname, 'login', r.rolcanlogin, 'superuser', r.rolsuper,
                 'bypass_rls', r.rolbypassrls, 'create_role', r.rolcreaterole) order by r.rolname)
          from pg_catalog.pg_roles r
         where r.rolname in ('anon', 'authenticated', 'service_role', 'authenticator', 'postgres', 'sealog_edge'))
    )
  )
$$;
comment on function sealog.soc2_least_privilege() is 'CC6.1 least privilege: SECURITY DEFINER functions with search_path and grants, and the API roles'' attributes; findings for unpinned search_path, client-executable or exposed definer functions, and an over-powered edge role.';

/** Section - Data classification */

create function sealog.soc2_data_classification()
returns jsonb
language sql
stable
set search_path = ''
as $$
  with inventory as (
    select i.*, format('%I.%I', i.schema_name, i.table_name)
                  || coalesce('.' || quote_ident(i.column_name), '') as name
      from sealog_admin.data_inventory i
  ),
  findings as (
    select sealog.soc2_finding('unclassified', i.name,
                               'no classification comment in the documented format') as f
      from inventory i where not i.classified
    union all
    select distinct sealog.soc2_finding('category_without_policy', i.retention_category,
                                        'a retention category is used in comments but has no policy')
      from inventory i
     where i.classified and i.retention_period is null and i.purge_method is null
  )
  select sealog.soc2_control(
    'data_classification',
    'Data classification: every table and column carries a level, personal-data kind and retention category',
    (select jsonb_agg(f order by f ->> 'code', f ->> 'object') from findings),
    jsonb_build_object(
      'tables', (select count(*) from inventory where column_name is null and object_kind <> 'partition'),
      'tables_classified', (select count(*) from inventory where column_name is null and object_kind <> 'partition' and classified),
      'partitions', (select count(*) from inventory where object_kind = 'partition'),
      'partitions_classified', (select count(*) from inventory where object_kind = 'partition' and classified),
      'columns', (select count(*) from inventory where column_name is not null),
      'columns_classified', (select count(*) from inventory where column_name is not null and classified),
      'columns_by_level', (
        select coalesce(jsonb_object_agg(classification, n), '{}')
          from (select classification, count(*) as n from inventory
                 where column_name is not null and classified group by 1) s),
      'personal_data_columns', (
        select coalesce(jsonb_agg(jsonb_build_object('column', name, 'pii', pii, 'retention', retention_category) order by name), '[]')
          from inventory where column_name is not null and classified and pii <> 'none'),
      'categories', (
        select coalesce(jsonb_agg(distinct retention_category), '[]')
          from inventory where classified)
    )
  )
$$;
comment on function sealog.soc2_data_classification() is 'CC6.1 data classification: coverage of classification comments and the personal-data columns by kind; findings for unclassified objects and categories without a policy.';

/** Section - The report */

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
    sealog.soc2_least_privilege(),
    sealog.soc2_data_classification());
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

/** Section - Grants: owner (postgres) only */

revoke all on function sealog.soc2_control(text, text, jsonb, jsonb) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_finding(text, text, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.oldest_row_at(regclass, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.role_names(aclitem[], oid, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_logical_access() from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_authentication(timestamptz, interval) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_tenant_isolation() from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_audit_logging(timestamptz) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_data_retention(timestamptz) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_least_privilege() from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_data_classification() from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog_admin.generate_soc2_report(timestamptz, interval) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog_admin.latest_soc2_report() from public, anon, authenticated, service_role, sealog_edge;

/** Section - Weekly snapshot, Mondays 06:00 UTC (cron.schedule upserts by name) */

select cron.schedule('sealog-soc2-report', '0 6 * * 1', 'select sealog_admin.generate_soc2_report()');
