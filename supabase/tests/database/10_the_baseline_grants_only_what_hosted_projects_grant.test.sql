-- The local platform baseline (local/platform_baseline.sql) grants each role what a hosted
-- project grants and no more, so that nothing passes here that production would refuse:
-- signed-in users and anon cannot read Supabase Auth's tables, postgres has REPLICATION and
-- only reads cron.job (jobs change through cron.schedule), as supabase/postgres sets it up.
begin;
select plan(9);

select ok(
  not has_table_privilege('authenticated', format('auth.%I', t), 'select, insert, update, delete'),
  format('authenticated has no privilege on auth.%s', t)
) from unnest(array['users', 'identities', 'sessions']) t;
select ok(
  not has_table_privilege('anon', format('auth.%I', t), 'select, insert, update, delete'),
  format('anon has no privilege on auth.%s', t)
) from unnest(array['users', 'identities', 'sessions']) t;

select ok((select rolreplication from pg_roles where rolname = 'postgres'), 'postgres has REPLICATION, as hosted');
select ok(
  has_table_privilege('postgres', 'cron.job', 'select')
    and not has_table_privilege('postgres', 'cron.job', 'insert, update, delete'),
  'postgres only reads cron.job'
);
select ok(has_function_privilege('postgres', 'cron.schedule(text, text, text)', 'execute'),
  'postgres schedules jobs through cron.schedule');

select * from finish();
rollback;
