-- Every time-partitioned table (telemetry, the API access log) has partitions a week ahead
-- and over the retention window, from one maintenance function; it creates new days and
-- drains rows that reached a default partition into their day.
begin;
select plan(8);

select set_eq(
  $$select c.relname::text from pg_partitioned_table p join pg_class c on c.oid = p.partrelid
     where c.relnamespace = 'sealog'::regnamespace$$,
  array['llm_request_logs', 'api_access_log'],
  'telemetry and the API access log are the partitioned tables'
);
select ok(
  to_regclass(format('sealog.llm_request_logs_p%s', to_char((now() at time zone 'utc')::date + 7, 'YYYYMMDD'))) is not null
  and to_regclass(format('sealog.api_access_log_p%s', to_char((now() at time zone 'utc')::date + 7, 'YYYYMMDD'))) is not null,
  'a partition exists 7 days ahead for each'
);
select ok(
  to_regclass(format('sealog.llm_request_logs_p%s', to_char((now() at time zone 'utc')::date - 90, 'YYYYMMDD'))) is not null,
  'a partition exists 90 days back'
);
select ok(to_regclass('sealog.llm_request_logs_default') is not null and to_regclass('sealog.api_access_log_default') is not null,
  'a default partition catches stragglers');

-- Stragglers 40 days ahead land in the default partitions.
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
values (gen_random_uuid(), now() + interval '40 days', gen_random_uuid(), 'straggler', 'm', 1, 1);
insert into sealog.api_access_log (request_id, received_at, method, path, status_code, duration_ms, caller_kind, db_role)
values (gen_random_uuid(), now() + interval '40 days', 'GET', '/probe/straggler', 200, 1, 'none', 'sealog_functions');
select is((select count(*)::int from sealog.llm_request_logs_default) + (select count(*)::int from sealog.api_access_log_default), 2,
  'the stragglers are in the default partitions');

select cmp_ok(
  sealog.maintain_partitions(now() + interval '35 days'),
  '>=', 70,
  'maintenance at a later date creates the missing days of both tables'
);
select is(
  (select count(*)::int from sealog.llm_request_logs_default) + (select count(*)::int from sealog.api_access_log_default),
  0,
  'the default partitions are drained into the new days'
);
select is(
  (select split_part(obj_description(format('sealog.api_access_log_p%s', to_char((now() at time zone 'utc')::date + 40, 'YYYYMMDD'))::regclass, 'pg_class'), '.', 1)),
  'CONFIDENTIAL; pii=personal; retention=api_access_logs',
  'a new partition carries its parent''s classification'
);

select * from finish();
rollback;
