-- Grants are explicit: nothing of Sealog's private schemas is granted to public, anon or
-- authenticated, and every table carries an explicit ACL (not the implicit default).
begin;
select plan(6);

select ok(not has_schema_privilege('anon', 'sealog', 'usage'), 'anon has no usage on sealog');
select ok(not has_schema_privilege('authenticated', 'sealog', 'usage'), 'authenticated has no usage on sealog');
select ok(not has_schema_privilege('authenticated', 'sealog_api', 'usage'), 'authenticated has no usage on sealog_api');

select is_empty(
  $$
  select format('%s on %I.%I to %s', privilege_type, table_schema, table_name, grantee)
    from information_schema.role_table_grants
   where table_schema like 'sealog%'
     and grantee in ('PUBLIC', 'anon', 'authenticated', 'sealog_edge')
  $$,
  'no table privilege of sealog is granted to public, anon, authenticated or the edge role'
);

select is_empty(
  $$
  select format('%I.%I', n.nspname, c.relname)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p')
     and n.nspname in ('public', 'sealog')
     and c.relacl is null
  $$,
  'every table has explicit grants (no implicit default ACL)'
);

select is_empty(
  $$
  select format('%I.%I', n.nspname, c.relname)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p')
     and n.nspname = 'sealog'
     and not c.relispartition
     and not exists (select 1 from pg_policy p where p.polrelid = c.oid)
  $$,
  'every sealog table has a policy'
);

select * from finish();
rollback;
