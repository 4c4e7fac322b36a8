-- Least privilege, proven by connecting as the Edge Functions' role: it can execute the API
-- (which authenticates and writes its own log row) but cannot select from any table.
begin;
select plan(
  (select count(*)::int from pg_tables where schemaname in ('sealog', 'public', 'auth', 'cron')) + 4
);

-- pgTAP's own functions live in extensions; this grant is rolled back with the test.
grant usage on schema extensions to sealog_edge;
set local role sealog_edge;

select throws_ok(
  format('select 1 from %I.%I limit 1', schemaname, tablename),
  '42501',
  null,
  format('sealog_edge cannot select from %I.%I', schemaname, tablename)
)
  from pg_tables
 where schemaname in ('sealog', 'public', 'auth', 'cron')
 order by schemaname, tablename;

select is(
  (sealog_api.whoami(jsonb_build_object(
    'request_id', gen_random_uuid(), 'method', 'GET', 'path', '/ingest/whoami',
    'key_digest', repeat('00', 32))) ->> 'status')::int,
  401,
  'sealog_edge can execute the API, which refuses an unknown key'
);

select throws_ok(
  $$select sealog_admin.create_tenant('intruder')$$,
  '42501',
  null,
  'sealog_edge cannot execute operator functions'
);

select throws_ok(
  $$insert into sealog.tenants (name) values ('intruder')$$,
  '42501',
  null,
  'sealog_edge cannot write to tables'
);

reset role;

select ok(
  not exists (select 1 from pg_roles where rolname = 'sealog_edge' and (rolcanlogin or rolbypassrls or rolsuper or rolcreaterole)),
  'sealog_edge cannot log in by itself, bypass RLS, or create roles'
);

select * from finish();
rollback;
