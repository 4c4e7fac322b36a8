-- The platform's user-data tables are namespaced (public.sealog_*), so `supabase db push`
-- applies beside a project's own public.profiles (scripts/test.sh creates one before the
-- push) and leaves it as the project made it.
begin;
select plan(3);

select is(
  (select array_agg(tablename::text order by tablename) from pg_tables
    where schemaname = 'public' and tablename not like 'sealog\_%'),
  array['profiles'],
  'every table of Sealog in public is prefixed sealog_; only the project''s own profiles is not'
);
select columns_are('public', 'profiles', array['id', 'username'],
  'the project''s profiles keeps its own columns');
select is(
  (select username from public.profiles where id = '00000000-0000-4000-8000-00000000c011'),
  'project-row',
  'and its rows'
);

select * from finish();
rollback;
