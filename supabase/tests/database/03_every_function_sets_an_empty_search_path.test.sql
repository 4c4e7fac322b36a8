-- Every function of ours pins search_path to '' so that no caller can shadow an object.
begin;
select plan(1);

select is_empty(
  $$
  select p.oid::regprocedure::text
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('public', 'sealog', 'sealog_api', 'sealog_admin')
     and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
     and not coalesce('search_path=""' = any (p.proconfig), false)
  $$,
  'every function in public and the sealog schemas sets search_path = '''''
);

select * from finish();
rollback;
