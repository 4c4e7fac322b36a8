-- The auth-event tables follow the house rules: every table and column carries a
-- classification comment, ip and user_agent are personal data, everything is kept under
-- the auth_events retention (settings with the account); tenant_id leads every key and
-- index; only service_role may read, through a policy named <table>_<cmd>_policy.
begin;
select plan(12);

create temporary table auth_tables (name text) on commit drop;
insert into auth_tables values ('auth_events'), ('auth_hook_deliveries'), ('auth_lockout_settings');

select is_empty(
  $$
  select format('%s.%s', c.relname, coalesce(a.attname, '(table)'))
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'sealog'
    join auth_tables t on t.name = c.relname
    left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
   where coalesce(col_description(c.oid, a.attnum), obj_description(c.oid, 'pg_class'), '')
         !~ '^(PUBLIC|INTERNAL|CONFIDENTIAL|RESTRICTED); pii=(none|personal|identifier|pseudonymous|contact|network|device); retention=[a-z][a-z0-9_]*\. \S'
      or (a.attname is null and obj_description(c.oid, 'pg_class') !~ '; pii=(none|personal); ')
  $$,
  'every auth table and column has a classification comment in the house format'
);
select is_empty(
  $$
  select c.relname from pg_class c join auth_tables t on t.name = c.relname
   where c.relnamespace = 'sealog'::regnamespace
     and obj_description(c.oid, 'pg_class') !~ '^[A-Z]+; pii=(none|personal); '
  $$,
  'table comments say pii=none or pii=personal'
);
select is(
  col_description('sealog.auth_events'::regclass, (select attnum from pg_attribute where attrelid = 'sealog.auth_events'::regclass and attname = 'ip')),
  'CONFIDENTIAL; pii=network; retention=auth_events. IP address of the end user''s request; anonymised by deletion requests.',
  'ip is personal data (network)'
);
select matches(
  col_description('sealog.auth_events'::regclass, (select attnum from pg_attribute where attrelid = 'sealog.auth_events'::regclass and attname = 'user_agent')),
  '^CONFIDENTIAL; pii=device; retention=auth_events\. ',
  'user_agent is personal data (device)'
);
select matches(
  col_description('sealog.auth_events'::regclass, (select attnum from pg_attribute where attrelid = 'sealog.auth_events'::regclass and attname = 'user_pseudonym')),
  '^CONFIDENTIAL; pii=pseudonymous; retention=auth_events\. ',
  'the address hash is pseudonymous personal data'
);
select is_empty(
  $$
  select format('%s.%s', c.relname, a.attname)
    from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
   where c.relnamespace = 'sealog'::regnamespace
     and c.relname in ('auth_events', 'auth_hook_deliveries')
     and col_description(c.oid, a.attnum) !~ '; retention=auth_events\. '
  $$,
  'auth events and their replay ledger are kept under the auth_events retention'
);
select is(
  obj_description('sealog.auth_events'::regclass, 'pg_class'),
  'CONFIDENTIAL; pii=personal; retention=auth_events. One row per authentication event (sign-in, MFA, token, SSO, lockout): metadata only, kept one year for audit. Partitioned by day.',
  'auth_events is classified as personal data kept one year'
);

select is_empty(
  $$
  select i.indexrelid::regclass::text
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
   where i.indexrelid in (
           'sealog.auth_events_pkey'::regclass,
           'sealog.auth_events_tenant_id_user_id_occurred_at_idx'::regclass,
           'sealog.auth_events_tenant_id_user_pseudonym_idx'::regclass,
           'sealog.auth_hook_deliveries_pkey'::regclass,
           'sealog.auth_lockout_settings_pkey'::regclass)
     and a.attname <> 'tenant_id'
  $$,
  'tenant_id leads the primary keys and the lookup indexes of the auth tables'
);
select is(
  (select count(*)::int from pg_constraint
    where conrelid = 'sealog.auth_events'::regclass and contype = 'p'
      and conkey = array[(select attnum from pg_attribute where attrelid = 'sealog.auth_events'::regclass and attname = 'tenant_id'),
                         (select attnum from pg_attribute where attrelid = 'sealog.auth_events'::regclass and attname = 'occurred_at'),
                         (select attnum from pg_attribute where attrelid = 'sealog.auth_events'::regclass and attname = 'event_id')]::int2[]),
  1,
  'event ids are unique per tenant and occurred_at (a resend carries both): the primary key is (tenant_id, occurred_at, event_id)'
);

select is_empty(
  $$
  select format('%s: %s to %s', c.relname, p.polname, p.polroles::regrole[]::text)
    from pg_policy p
    join pg_class c on c.oid = p.polrelid
    join auth_tables t on t.name = c.relname
   where p.polname <> c.relname || '_select_policy'
      or p.polcmd <> 'r'
      or p.polroles <> array['service_role'::regrole]::oid[]
  $$,
  'each auth table has only a select policy for service_role, named <table>_select_policy'
);
select is_empty(
  $$
  select format('%s on %s to %s', privilege_type, table_name, grantee)
    from information_schema.role_table_grants g
    join auth_tables t on t.name = g.table_name
   where g.table_schema = 'sealog'
     and not (g.grantee = 'service_role' and g.privilege_type = 'SELECT')
     and g.grantee <> 'postgres'
  $$,
  'service_role may only select; no other role holds a privilege on the auth tables'
);
select is(
  (select count(*)::int from pg_class c join auth_tables t on t.name = c.relname
    where c.relnamespace = 'sealog'::regnamespace and c.relrowsecurity and c.relforcerowsecurity),
  3,
  'RLS is enabled and forced on every auth table'
);

select * from finish();
rollback;
