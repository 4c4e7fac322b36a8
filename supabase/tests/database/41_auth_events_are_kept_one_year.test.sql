-- Auth events are kept one year: frozen at 2020-06-14 12:00 UTC, events and hook-delivery
-- ids at 2019-06-14 12:00 (one calendar year earlier) or one second older are deleted; one second
-- younger stays.
begin;
select plan(4);

select sealog_admin.create_tenant('auth events purge tenant') as tenant_id \gset

insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, reason)
select :'tenant_id', gen_random_uuid(), at, 'api', 'login', 'success', label
  from (values ('older', '2019-06-14 11:59:59+00'::timestamptz),
               ('boundary', '2019-06-14 12:00:00+00'),
               ('younger', '2019-06-14 12:00:01+00')) as v(label, at);
insert into sealog.auth_hook_deliveries (tenant_id, webhook_id, received_at)
select :'tenant_id', 'msg_' || label, at
  from (values ('older', '2019-06-14 11:59:59+00'::timestamptz),
               ('boundary', '2019-06-14 12:00:00+00'),
               ('younger', '2019-06-14 12:00:01+00')) as v(label, at);

select is((sealog.purge_auth_events('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 4,
  'two events and two delivery ids are due');
select results_eq(
  format($$select reason::text from sealog.auth_events where tenant_id = %L$$, :'tenant_id'),
  array['younger'],
  'an event a year old or a second older is gone; a second younger stays'
);
select results_eq(
  format($$select webhook_id::text from sealog.auth_hook_deliveries where tenant_id = %L$$, :'tenant_id'),
  array['msg_younger'],
  'the hook-delivery ledger follows the same cutoff'
);

select sealog_admin.set_retention_override(:'tenant_id', 'auth_events', interval '30 days');
insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, reason)
values (:'tenant_id', gen_random_uuid(), '2020-05-15 12:00:00+00', 'api', 'login', 'success', 'override');
select is((sealog.purge_auth_events('2020-06-14 12:00:00+00') ->> 'rows_deleted')::int, 3,
  'a tenant''s 30-day override purges its events and delivery ids 30 days old (here: two events, one id)');

select * from finish();
rollback;
