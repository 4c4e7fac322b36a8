/**
 * SOC 2 CC6.1 control: tenant isolation (tenant-led keys, RLS policies).
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

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

-- Owner (postgres) only.
revoke all on function sealog.soc2_tenant_isolation() from public, anon, authenticated, service_role, sealog_edge;
