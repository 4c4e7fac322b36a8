/**
 * SOC 2 CC6.1 control: logical access controls (RLS, grants, exposed schemas).
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

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

-- Owner (postgres) only.
revoke all on function sealog.soc2_logical_access() from public, anon, authenticated, service_role, sealog_edge;
