-- The grace period and idempotency, with time frozen through p_now: nothing is erased before
-- scheduled_for, a request can be cancelled until then and not after, a second request for
-- the same person while one is pending returns it, pg_cron runs due requests every minute,
-- and running an erasure again changes nothing and keeps the same receipt.
begin;
select plan(14);

create temporary table person on commit drop as
select gen_random_uuid() as user_id,
       'grace-' || substr(md5(random()::text), 1, 12) || '@example.test' as email,
       now() as t0;
insert into auth.users (id, email) select user_id, email from person;
insert into public.sealog_profiles (id, display_name) select user_id, 'Grace' from person;

create function pg_temp.request(p_kind text, p_user_id uuid, p_email text, p_hash text)
returns sealog.deletion_requests
language sql
as $$
  select sealog.request_erasure('operator', null, p_kind, sha256(convert_to(p_hash, 'utf8')), p_user_id,
                                p_email, null, '{}', interval '7 days', (select t0 from person))
$$;

/** Section - Grace and cancel */

create temporary table first_request on commit drop as
select r.* from person, lateral pg_temp.request('user', user_id, null, 'first') as r;

select is(
  (select scheduled_for from first_request),
  (select t0 + interval '7 days' from person),
  'a request is scheduled for the end of the grace period'
);

select is(
  (select (pg_temp.request('email', null, upper(email), 'by email')).request_id from person),
  (select request_id from first_request),
  'a second request for the same person while one is pending returns the pending one (by email too)'
);

select is(
  sealog.run_due_erasures((select t0 + interval '7 days' - interval '1 second' from person)),
  0,
  'nothing is erased a second before the grace period ends'
);

select ok(
  exists (select 1 from public.sealog_profiles p join person on p.id = person.user_id),
  'the person''s data is still there during the grace period'
);

select is(
  sealog.cancel_erasure((select request_id from first_request), (select t0 + interval '6 days' from person)),
  'cancelled',
  'a request is cancelled within its grace period'
);

select is_empty(
  $$ select 1 from sealog.deletion_request_subjects where request_id = (select request_id from first_request) $$,
  'a cancelled request forgets whom it was about'
);

select is(
  sealog.cancel_erasure((select request_id from first_request), (select t0 + interval '6 days' from person)),
  'cancelled',
  'cancelling again answers the same'
);

/** Section - Past the grace period */

create temporary table second_request on commit drop as
select r.* from person, lateral pg_temp.request('user', user_id, null, 'second') as r;

select is(
  sealog.cancel_erasure((select request_id from second_request), (select t0 + interval '7 days' from person)),
  'pending',
  'a request cannot be cancelled once its grace period is over'
);

select is(
  sealog.run_due_erasures((select t0 + interval '7 days' from person)),
  1,
  'the request is erased when its grace period ends'
);

select is_empty(
  $$ select 1 from public.sealog_profiles p join person on p.id = person.user_id
     union all select 1 from auth.users u join person on u.id = person.user_id $$,
  'the person''s data is gone'
);

/** Section - Idempotency */

create temporary table receipt_before on commit drop as
select receipt, completed_at from sealog.deletion_requests where request_id = (select request_id from second_request);

select is(
  sealog.erase_subject((select request_id from second_request), (select t0 + interval '8 days' from person)),
  (select receipt from receipt_before),
  'running the erasure again returns the same receipt'
);

select is(
  (select row(receipt, completed_at, status)::text from sealog.deletion_requests where request_id = (select request_id from second_request)),
  (select row(receipt, completed_at, 'completed')::text from receipt_before),
  'and changes nothing about the request'
);

select is(
  sealog.run_due_erasures((select t0 + interval '8 days' from person)),
  0,
  'a completed request is never run again'
);

/** Section - Schedule */

select is(
  (select schedule from cron.job where jobname = 'sealog-erasure' and command = 'select sealog.run_due_erasures()'),
  '* * * * *',
  'pg_cron runs due erasures every minute'
);

select * from finish();
rollback;
