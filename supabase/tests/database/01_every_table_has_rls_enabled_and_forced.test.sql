-- Every table of ours has row level security enabled; sealog's tables force it on their owner too.
begin;
select plan(3);

select is_empty(
  $$
  select format('%I.%I', n.nspname, c.relname)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p')
     and n.nspname in ('public', 'sealog')
     and not c.relrowsecurity
  $$,
  'every table in public and sealog has RLS enabled'
);

select is_empty(
  $$
  select format('%I.%I', n.nspname, c.relname)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p')
     and n.nspname = 'sealog'
     and not c.relforcerowsecurity
  $$,
  'every sealog table forces RLS'
);

select is_empty(
  $$
  select format('%I.%I', n.nspname, c.relname)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p')
     and n.nspname in ('sealog_api', 'sealog_admin')
  $$,
  'the API schemas hold functions only, no tables'
);

select * from finish();
rollback;
