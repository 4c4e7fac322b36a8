-- Completed erasure-outbox tasks are ephemeral: deleted a week after they finished, one
-- second either side; pending and failed tasks are never purged.
begin;
select plan(2);

insert into sealog.deletion_requests (request_id, requested_by, subject_kind, subject_hash, requested_at, scheduled_for)
values ('00000000-0000-4000-8000-000000000042', 'operator', 'user', sha256('outbox-probe'), '2020-06-01', '2020-06-01');

insert into sealog.erasure_outbox (request_id, kind, processor, stripe_customer_id, stripe_subscription_id, state, created_at, finished_at)
values
  ('00000000-0000-4000-8000-000000000042', 'cancel_subscription', 'stripe', null, null, 'completed', '2020-06-01', '2020-06-07 11:59:59+00'),
  ('00000000-0000-4000-8000-000000000042', 'cancel_subscription', 'stripe', null, null, 'completed', '2020-06-01', '2020-06-07 12:00:00+00'),
  ('00000000-0000-4000-8000-000000000042', 'cancel_subscription', 'stripe', null, null, 'completed', '2020-06-01', '2020-06-07 12:00:01+00'),
  ('00000000-0000-4000-8000-000000000042', 'cancel_subscription', 'stripe', 'cus_probe', 'sub_probe', 'pending', '2020-06-01', null),
  ('00000000-0000-4000-8000-000000000042', 'cancel_subscription', 'stripe', 'cus_probe', 'sub_probe', 'failed', '2020-06-01', '2020-06-01');

select is((sealog.purge_ephemeral('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 2,
  'two completed tasks finished a week ago or earlier are deleted');
select set_eq(
  $$select state, finished_at from sealog.erasure_outbox where request_id = '00000000-0000-4000-8000-000000000042'$$,
  $$values ('completed', '2020-06-07 12:00:01+00'::timestamptz), ('pending', null), ('failed', '2020-06-01')$$,
  'a task completed one second less than a week ago stays, and pending and failed tasks stay'
);

select * from finish();
rollback;
