-- Least privilege: what a compromised Edge Function can reach, proven by connecting as its login
-- (sealog_functions; scripts/test.sh runs this directory with pg_prove -U sealog_functions):
-- it can execute the API, but `set role postgres`, `set session authorization`, `reset role`
-- and a read of every table get it nothing more. Its timeouts come from the role itself.
begin;
-- pgTAP lives in extensions (scripts/test.sh grants its usage for this run only).
set local search_path = extensions;
select plan(
  (select count(*)::int from pg_tables
    where schemaname not in ('pg_catalog', 'information_schema')
      and schemaname not like 'pg\_temp%' and schemaname not like 'pg\_toast%') + 13
);

select is(session_user::text, 'sealog_functions', 'connected as the functions'' login');

select throws_ok('set role postgres', '42501', null, 'set role postgres is refused');
select throws_ok('set role service_role', '42501', null, 'set role service_role is refused');
select throws_ok('set role supabase_admin', '42501', null, 'set role supabase_admin is refused');
select throws_ok('set session authorization postgres', '42501', null, 'set session authorization is refused');
reset role;
select is(current_user::text, 'sealog_functions', 'reset role leaves the login itself');

select throws_ok(
  format('select 1 from %I.%I limit 1', schemaname, tablename),
  '42501',
  null,
  format('sealog_functions cannot read %I.%I', schemaname, tablename)
)
  from pg_tables
 where schemaname not in ('pg_catalog', 'information_schema')
   and schemaname not like 'pg\_temp%' and schemaname not like 'pg\_toast%'
 order by schemaname, tablename;

select is(
  (sealog_api.whoami(jsonb_build_object(
    'request_id', gen_random_uuid(), 'method', 'GET', 'path', '/ingest/whoami',
    'key_digest', repeat('00', 32))) ->> 'status')::int,
  401,
  'it can execute the API, which treats it as the least-privileged caller (401, not 500)'
);
select throws_ok(
  $$select sealog_admin.create_tenant('intruder')$$,
  '42501',
  null,
  'it cannot execute operator functions'
);
select throws_ok(
  $$insert into sealog.tenants (name) values ('intruder')$$,
  '42501',
  null,
  'it cannot write to tables'
);
select ok(
  not exists (select 1 from pg_roles where rolname = 'sealog_edge' and (rolcanlogin or rolbypassrls or rolsuper or rolcreaterole)),
  'sealog_edge, whose privileges it holds, cannot log in by itself, bypass RLS, or create roles'
);

select is(current_setting('statement_timeout'), '5s', 'statement_timeout comes from the role');
select is(current_setting('lock_timeout'), '4s', 'lock_timeout comes from the role');
select is(current_setting('idle_in_transaction_session_timeout'), '10s',
  'idle_in_transaction_session_timeout comes from the role');

select * from finish();
rollback;
