/**
 * SOC 2 CC6.1 control: least privilege (the functions' role and what it may reach, and the
 * role that actually ran each request: the access log records it, so a deployment that
 * reached the API as postgres, through a wrong URL or a pooler that dropped a startup role,
 * fails here even though every request was refused).
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function sealog.soc2_least_privilege(p_now timestamptz default now())
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
    union all
    select sealog.soc2_finding('functions_login_too_powerful', r.rolname,
                               'the functions'' login bypasses RLS, creates roles, is a superuser or belongs to a role other than sealog_edge')
      from pg_catalog.pg_roles r
     where r.rolname = 'sealog_functions'
       and (r.rolbypassrls or r.rolsuper or r.rolcreaterole or r.rolreplication
            or exists (select 1 from pg_catalog.pg_auth_members m
                        where m.member = r.oid and m.roleid <> 'sealog_edge'::regrole))
    union all
    select sealog.soc2_finding('api_called_by_privileged_role', l.db_role,
                               format('%s requests in the last 7 days reached the API as this role instead of sealog_functions', count(*)))
      from sealog.api_access_log l
     where l.received_at > p_now - interval '7 days'
       and l.db_role not in ('sealog_functions', 'sealog_edge')
     group by l.db_role
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
      'requests_by_db_role_7_days', (
        select coalesce(jsonb_object_agg(x.db_role, x.requests), '{}')
          from (select l.db_role, count(*) as requests
                  from sealog.api_access_log l
                 where l.received_at > p_now - interval '7 days'
                 group by l.db_role) x),
      'functions_with_empty_search_path', (select count(*) from functions where empty_search_path),
      'roles', (
        select jsonb_agg(jsonb_build_object(
                 'role', r.rolname, 'login', r.rolcanlogin, 'superuser', r.rolsuper,
                 'bypass_rls', r.rolbypassrls, 'create_role', r.rolcreaterole) order by r.rolname)
          from pg_catalog.pg_roles r
         where r.rolname in ('anon', 'authenticated', 'service_role', 'authenticator', 'postgres', 'sealog_edge', 'sealog_functions'))
    )
  )
$$;
comment on function sealog.soc2_least_privilege(timestamptz) is 'CC6.1 least privilege: SECURITY DEFINER functions with search_path and grants, and the API roles'' attributes; findings for unpinned search_path, client-executable or exposed definer functions, an over-powered edge role or functions login, and requests that reached the API through any other role in the last 7 days.';

-- Owner (postgres) only.
revoke all on function sealog.soc2_least_privilege(timestamptz) from public, anon, authenticated, service_role, sealog_edge;
