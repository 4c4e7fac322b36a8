-- Erasure is complete by construction. One subject is seeded into every table that has a
-- column classified as personal data; after the erasure, no personal-data column of any
-- table holds any of the subject's identifiers. Which columns are personal data is read
-- from the classification comments (pii=<kind>; every kind but none), never listed here,
-- so a new table with personal data fails this test until it is seeded below and erased.
begin;
select plan(8);

/** Section - The subject and its identifiers */

create temporary table subject on commit drop as
select gen_random_uuid() as user_id,
       'erasure-subject-' || substr(md5(random()::text), 1, 12) || '@example.test' as email,
       ('2001:db8:' || substr(md5(random()::text), 1, 4) || '::' || substr(md5(random()::text), 1, 4))::inet as ip,
       'SubjectAgent/' || substr(md5(random()::text), 1, 12) as user_agent,
       'Subject ' || substr(md5(random()::text), 1, 12) as display_name,
       sealog_admin.create_tenant('erasure completeness') as tenant_id,
       gen_random_uuid() as other_user_id,
       gen_random_uuid() as log_request_id;

-- What must not survive: the id (which is also the platform's end_user_id), the email, the
-- ip, and the distinctive user agent and name seeded with them.
create temporary table identifiers on commit drop as
select unnest(array[user_id::text, email, host(ip), user_agent, display_name]) as value from subject;

/** Section - Personal-data columns, from the classification comments */

create function pg_temp.personal_columns()
returns table (table_name regclass, column_name name, kind text)
language sql
stable
as $$
  select c.oid::regclass, a.attname, coalesce(substring(d.description from 'pii=([a-z_]+)'), 'unclassified')
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    join pg_description d on d.objoid = c.oid and d.classoid = 'pg_class'::regclass and d.objsubid = a.attnum
   where c.relkind in ('r', 'p')
     and not c.relispartition -- partitions are scanned through their parent
     and n.nspname not in ('pg_catalog', 'information_schema')
     -- A project's own tables in public (scripts/test.sh seeds one) are the project's to erase.
     and not (n.nspname = 'public' and c.relname not like 'sealog\_%')
     and coalesce(substring(d.description from 'pii=([a-z_]+)'), 'unclassified') <> 'none'
$$;

-- Rows of each personal-data column that contain any identifier, compared as lower-case text.
create function pg_temp.subject_hits()
returns table (table_name regclass, column_name name, kind text, hits bigint)
language plpgsql
as $$
declare
  v_column record;
begin
  for v_column in select * from pg_temp.personal_columns() order by 1, 2 loop
    table_name := v_column.table_name;
    column_name := v_column.column_name;
    kind := v_column.kind;
    execute format(
      'select count(*) from %s as t
        where exists (select 1 from identifiers i where strpos(lower(t.%I::text), lower(i.value)) > 0)',
      v_column.table_name, v_column.column_name)
      into hits;
    return next;
  end loop;
end
$$;

/** Section - Seed the subject into every store */

insert into auth.users (id, aud, role, email, email_confirmed_at)
select user_id, 'authenticated', 'authenticated', email, now() from subject;
insert into auth.identities (provider_id, user_id, identity_data, provider)
select user_id::text, user_id, jsonb_build_object('sub', user_id, 'email', email), 'email' from subject;
insert into auth.sessions (id, user_id, ip, user_agent)
select gen_random_uuid(), user_id, ip, user_agent from subject;
-- Someone else, whose rows merely carry the subject's address.
insert into auth.users (id, aud, role, email)
select other_user_id, 'authenticated', 'authenticated', 'other-' || email from subject;

insert into public.sealog_profiles (id, display_name, avatar_url)
select user_id, display_name, 'https://avatars.example.test/' || user_id from subject;
insert into public.sealog_user_agent_subscriptions (user_id, agent_id, status, billing_email, stripe_customer_id, stripe_subscription_id)
select user_id, gen_random_uuid(), 'active', email, 'cus_Subject1', 'sub_Subject1' from subject;
insert into public.sealog_user_agent_subscriptions (user_id, agent_id, status, billing_email)
select other_user_id, gen_random_uuid(), 'active', email from subject;
insert into public.sealog_reviews (agent_id, user_id, rating, body)
select gen_random_uuid(), user_id, 4, 'Helpful agent.' from subject;
insert into public.sealog_agent_waitlist (agent_id, email, user_id)
select gen_random_uuid(), email, user_id from subject;
-- Joined before signing up: matched by address alone.
insert into public.sealog_agent_waitlist (agent_id, email)
select gen_random_uuid(), upper(email) from subject;
insert into public.sealog_interactions (user_id, agent_id, kind, email)
select user_id, gen_random_uuid(), 'mention', email from subject;
insert into public.sealog_interactions (user_id, agent_id, kind, email)
select other_user_id, gen_random_uuid(), 'invite_sent', email from subject;

insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens, end_user_id)
select tenant_id, now(), gen_random_uuid(), 'completeness-1', 'gpt-4o', 1, 1, user_id::text from subject;
insert into sealog.session_state (
  tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd, first_seen_at,
  last_seen_at, end_user_id, last_activity_at, expires_at)
select tenant_id, 'completeness-1', 1, 1, 1, 0, now(), now(), user_id::text, now(), now() + interval '1 day' from subject;
insert into sealog.api_access_log (request_id, tenant_id, scope, user_id, method, path, status_code, duration_ms, user_agent, client_ip, caller_kind, db_role)
select log_request_id, null, 'privacy', user_id, 'GET', '/deletion-requests', 200, 1, user_agent, ip, 'user', 'sealog_functions' from subject;
insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id, method, ip, user_agent)
select tenant_id, gen_random_uuid(), now(), 'api', 'login_success', 'success', user_id::text, 'password', ip, user_agent from subject;

-- The request itself holds the subject while pending: a grace period of one hour.
create temporary table request on commit drop as
select (sealog.request_erasure(
          'operator', null, 'user', sha256(convert_to(user_id::text, 'utf8')), user_id, email, null,
          '{}', interval '1 hour')).request_id
  from subject;

/** Section - Before: the seed reaches every table that can hold the subject's identifiers */

-- Financial columns hold processor ids, never one of these identifiers: a table with only
-- those (the erasure outbox, which the erasure itself fills) cannot be seeded with them.
select is_empty(
  $$
  select format('%s has no row of the subject', table_name)
    from pg_temp.subject_hits()
   group by table_name
  having bool_or(kind <> 'financial')
     and sum(hits) = 0
  $$,
  'before the erasure, every table with a personal-data column holds the subject'
);

/** Section - The erasure */

select is(
  sealog.run_erasure((select request_id from request), now() + interval '1 hour'),
  'completed',
  'the erasure completes'
);

/** Section - After: nothing of the subject is left */

select is_empty(
  $$
  select format('%s.%s (pii=%s): %s rows', table_name, column_name, kind, hits)
    from pg_temp.subject_hits()
   where hits > 0
  $$,
  'no personal-data column of any table holds any of the subject''s identifiers'
);

select is_empty(
  $$
  select 'auth.users' from auth.users u join subject s on u.id = s.user_id or lower(u.email) = s.email
  union all
  select 'auth.identities' from auth.identities i join subject s on i.user_id = s.user_id
  union all
  select 'auth.sessions' from auth.sessions a join subject s on a.user_id = s.user_id
  $$,
  'Supabase Auth keeps no account, identity or session of the subject'
);

select results_eq(
  $$
  select (select count(*)::int from public.sealog_reviews r join subject s on r.body = 'Helpful agent.' and r.user_id is null),
         (select count(*)::int from sealog.api_access_log l join subject s on l.request_id = s.log_request_id
           where l.user_id is null and l.client_ip is null and l.user_agent is null),
         (select count(*)::int from public.sealog_user_agent_subscriptions u join subject s on u.user_id = s.other_user_id
           where u.billing_email is null),
         (select count(*)::int from public.sealog_interactions i join subject s on i.user_id = s.other_user_id
           where i.email is null)
  $$,
  $$ values (1, 1, 1, 1) $$,
  'reviews, access-log rows and other accounts'' rows are kept, without the subject''s data'
);

select is(
  (select count(*)::int from sealog.erasure_outbox o where o.request_id = (select request_id from request)
      and o.kind = 'cancel_subscription' and o.stripe_subscription_id = 'sub_Subject1' and o.state = 'pending'),
  1,
  'a Stripe cancellation task is queued for the subscription'
);

select is_empty(
  $$
  select r.request_id
    from sealog.deletion_requests r, identifiers i
   where r.request_id = (select request_id from request)
     and strpos(lower(to_jsonb(r)::text), lower(i.value)) > 0
  $$,
  'the request and its receipt hold none of the subject''s identifiers'
);

/** Section - The scan catches a store the erasure does not cover */

create temporary table uncovered_store (email text);
comment on column uncovered_store.email is 'CONFIDENTIAL; pii=contact; retention=user_data. A store no erasure knows.';
insert into uncovered_store select email from subject;

select results_eq(
  $$ select table_name::text from pg_temp.subject_hits() where hits > 0 $$,
  $$ values ('uncovered_store') $$,
  'a personal-data column the erasure misses is found by the scan'
);

select * from finish();
rollback;
