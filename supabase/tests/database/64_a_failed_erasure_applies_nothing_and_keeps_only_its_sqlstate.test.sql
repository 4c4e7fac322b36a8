-- An erasure is all or nothing. When one step fails (here: a table that refuses to let the
-- account go), nothing of it is applied, the request is marked failed with the SQLSTATE
-- only (an error message can quote the data being erased), and it can be retried.
begin;
select plan(5);

create temporary table person on commit drop as
select gen_random_uuid() as user_id, 'failing-' || substr(md5(random()::text), 1, 12) || '@example.test' as email;
insert into auth.users (id, email) select user_id, email from person;
insert into public.sealog_profiles (id, display_name) select user_id, 'Still here' from person;

-- A store added without thinking of erasure: it blocks deleting the account.
create table public.erasure_blocker (user_id uuid references auth.users (id));
insert into public.erasure_blocker select user_id from person;

create temporary table request on commit drop as
select r.*
  from person,
       lateral sealog.request_erasure('operator', null, 'user', sha256(convert_to(user_id::text, 'utf8')), user_id, null,
                                      null, '{}', interval '0') as r;

select results_eq(
  $$ select status, error_code, receipt is null from request $$,
  $$ values ('failed'::text, '23503'::text, true) $$,
  'the request fails with the SQLSTATE of the foreign-key violation, and no receipt'
);

select ok(
  exists (select 1 from public.sealog_profiles p join person on p.id = person.user_id and p.display_name = 'Still here'),
  'nothing of the erasure was applied'
);

select ok(
  exists (select 1 from sealog.deletion_request_subjects s join request r using (request_id)),
  'a failed request keeps its subject, so that it can be retried'
);

delete from public.erasure_blocker;

select is(
  sealog_admin.retry_deletion_request((select request_id from request)),
  'completed',
  'once the cause is fixed, a retry completes'
);

select is_empty(
  $$ select 1 from public.sealog_profiles p join person on p.id = person.user_id
     union all select 1 from sealog.deletion_request_subjects s join request r using (request_id) $$,
  'and the subject is gone, from the stores and from the request'
);

select * from finish();
rollback;
