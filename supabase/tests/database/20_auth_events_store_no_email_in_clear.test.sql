-- No email address, Standard Webhooks secret or raw JWT is stored in clear: the auth-event
-- domains refuse them, and after the whole suite (pg_prove runs after the Deno tests) no
-- column of any sealog table holds one. A row planted here proves the scan finds it.
begin;
select plan(9);

create function pg_temp.columns_matching(p_pattern text)
returns setof text
language plpgsql
as $$
declare
  v_column record;
  v_found boolean;
begin
  for v_column in
    select c.relname, a.attname
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid
     where n.nspname = 'sealog'
       and c.relkind in ('r', 'p')
       and not c.relispartition
       and a.attnum > 0
       and not a.attisdropped
       and a.atttypid <> 'bytea'::regtype
  loop
    execute format('select exists (select 1 from sealog.%I where %I::text ~* $1)', v_column.relname, v_column.attname)
      into v_found
      using p_pattern;
    if v_found then
      return next format('sealog.%I.%I', v_column.relname, v_column.attname);
    end if;
  end loop;
end
$$;

select set_config('test.email', '[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}', true);
select set_config('test.tenant', sealog_admin.create_tenant('no email in clear')::text, true);

-- The domains refuse what must never be stored.
select throws_ok(
  $$insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id)
    values (current_setting('test.tenant')::uuid, gen_random_uuid(), now(), 'api', 'login', 'failure', 'alice@example.com')$$,
  '23514',
  null,
  'a user id holding an email address is refused'
);
select throws_ok(
  $$insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, reason)
    values (current_setting('test.tenant')::uuid, gen_random_uuid(), now(), 'api', 'login', 'failure', 'wrong password for alice')$$,
  '23514',
  null,
  'a free-text reason is refused'
);
select throws_ok(
  $$insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_pseudonym)
    values (current_setting('test.tenant')::uuid, gen_random_uuid(), now(), 'api', 'login', 'failure', convert_to('alice@example.com', 'utf8'))$$,
  '23514',
  null,
  'a pseudonym must be a 32-byte HMAC, not the address in bytes'
);
select throws_ok(
  $$insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome)
    values (current_setting('test.tenant')::uuid, gen_random_uuid(), now(), 'api', 'Login Failed!', 'failure')$$,
  '23514',
  null,
  'an event type is a lowercase identifier, never a message'
);

-- What the whole suite stored.
select is_empty(
  $$select * from pg_temp.columns_matching(current_setting('test.email'))$$,
  'no column of any sealog table holds an email address in clear'
);
select is_empty(
  $$select * from pg_temp.columns_matching('whsec_|eyJ[A-Za-z0-9_-]{2,}\.eyJ')$$,
  'no column of any sealog table holds a webhook secret or a raw JWT'
);

-- The scan's own bad cases: planted values are found.
insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_agent)
values (current_setting('test.tenant')::uuid, gen_random_uuid(), now(), 'api', 'login', 'success', 'bot (mailto:Ops@Example.com)');
select results_eq(
  $$select * from pg_temp.columns_matching(current_setting('test.email'))$$,
  $$values ('sealog.auth_events.user_agent')$$,
  'the scan finds a planted email address'
);
insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id)
values (current_setting('test.tenant')::uuid, gen_random_uuid(), now(), 'api', 'login', 'success', 'eyJhbGciOi.eyJzdWIiOi');
select results_eq(
  $$select * from pg_temp.columns_matching('whsec_|eyJ[A-Za-z0-9_-]{2,}\.eyJ')$$,
  $$values ('sealog.auth_events.user_id')$$,
  'the scan finds a planted JWT'
);
select ok(
  (select count(*) from pg_temp.columns_matching('.')) > 20,
  'the scan covers every column of every sealog table'
);

select * from finish();
rollback;
