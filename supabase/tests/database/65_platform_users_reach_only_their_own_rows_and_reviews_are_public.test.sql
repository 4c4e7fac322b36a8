-- The platform's user data through the Data API's roles: a signed-in user reaches only their
-- own rows, anon reads reviews without their authors, nobody but the service role writes
-- billing or fan-out rows, and deleting an account is a deletion request, not a row delete.
begin;
select plan(12);

create temporary table people on commit drop as
select gen_random_uuid() as alice, gen_random_uuid() as bob, gen_random_uuid() as agent;
grant select on people to anon, authenticated;

insert into auth.users (id, email)
select alice, 'alice-' || alice || '@example.test' from people
union all select bob, 'bob-' || bob || '@example.test' from people;
insert into public.sealog_profiles (id, display_name) select alice, 'Alice' from people union all select bob, 'Bob' from people;
insert into public.sealog_user_agent_subscriptions (user_id, agent_id, status) select bob, agent, 'active' from people;
insert into public.sealog_reviews (agent_id, user_id, rating, body) select agent, bob, 5, 'Bob likes it' from people;
insert into public.sealog_agent_waitlist (agent_id, email, user_id) select agent, 'bob-' || bob || '@example.test', bob from people;
insert into public.sealog_interactions (user_id, agent_id, kind) select bob, agent, 'mention' from people;

-- Signed in as Alice, the way PostgREST sets the claims.
select set_config('request.jwt.claims', json_build_object('sub', alice, 'role', 'authenticated')::text, true) from people;
set local role authenticated;

select results_eq($$ select display_name from public.sealog_profiles $$, $$ values ('Alice'::text) $$,
  'a user reads only their own profile');
select is_empty($$ select 1 from public.sealog_user_agent_subscriptions $$, 'nor anyone else''s subscriptions');
select is_empty($$ select 1 from public.sealog_agent_waitlist $$, 'nor anyone else''s waitlist entries');
select is_empty($$ select 1 from public.sealog_interactions $$, 'nor anyone else''s interactions');
select results_eq($$ select body from public.sealog_reviews where agent_id = (select agent from people) $$,
  $$ values ('Bob likes it'::text) $$, 'reviews are public to signed-in users');
select throws_ok(
  $$ insert into public.sealog_reviews (agent_id, user_id, rating) select agent, bob, 1 from people $$,
  '42501', null, 'a user cannot post a review as someone else');
select throws_ok(
  $$ insert into public.sealog_user_agent_subscriptions (user_id, agent_id, status) select alice, agent, 'active' from people $$,
  '42501', null, 'a user cannot write billing rows');
select throws_ok($$ delete from public.sealog_profiles $$, '42501', null,
  'a user cannot delete a profile: that is a deletion request');

update public.sealog_profiles set display_name = 'Bobby' where id = (select bob from people);
reset role;
select is((select display_name from public.sealog_profiles where id = (select bob from people)), 'Bob',
  'a user cannot change anyone else''s profile');

set local role anon;
select results_eq($$ select rating::int from public.sealog_reviews where agent_id = (select agent from people) $$,
  $$ values (5) $$, 'anon reads reviews');
select throws_ok($$ select user_id from public.sealog_reviews $$, '42501', null, 'but not who wrote them');
select throws_ok($$ select 1 from public.sealog_profiles $$, '42501', null, 'and no profile');
reset role;

select * from finish();
rollback;
