-- SECURITY DEFINER functions live outside the Data API's schemas; public, anon and
-- authenticated cannot execute any of them; the edge role executes sealog_api only.
begin;
select plan(5);

select is_empty(
  $$
  select p.oid::regprocedure::text
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   where p.prosecdef
     and n.nspname = any (string_to_array(replace(current_setting('pgrst.db_schemas', true), ' ', ''), ','))
  $$,
  'no SECURITY DEFINER function lives in a schema exposed to the Data API'
);

select is_empty(
  $$
  select format('%s by %s', p.oid::regprocedure, r.rolname)
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   cross join (values ('anon'), ('authenticated'), ('public')) as r(rolname)
   where n.nspname in ('sealog', 'sealog_api', 'sealog_admin')
     and (
       (r.rolname = 'public' and exists (
          select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
           where a.grantee = 0 and a.privilege_type = 'EXECUTE'))
       or (r.rolname <> 'public' and has_function_privilege(r.rolname, p.oid, 'execute'))
     )
  $$,
  'public, anon and authenticated cannot execute any sealog function'
);

select is_empty(
  $$
  select p.oid::regprocedure::text
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'sealog_api'
     and not has_function_privilege('sealog_edge', p.oid, 'execute')
  $$,
  'the edge role can execute every sealog_api function'
);

select is_empty(
  $$
  select p.oid::regprocedure::text
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('sealog', 'sealog_admin')
     and has_function_privilege('sealog_edge', p.oid, 'execute')
  $$,
  'the edge role cannot execute private or operator functions'
);

select is_empty(
  $$
  select p.oid::regprocedure::text
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'sealog_api'
     and not p.prosecdef
  $$,
  'every sealog_api function is SECURITY DEFINER (the edge role has no table privileges of its own)'
);

select * from finish();
rollback;
