-- Partitions exist a week ahead and over the retention window; maintenance creates new days
-- and drains rows that reached the default partition into their day.
begin;
select plan(6);

select ok(
  to_regclass(format('sealog.llm_request_logs_p%s', to_char((now() at time zone 'utc')::date + 7, 'YYYYMMDD'))) is not null,
  'a partition exists 7 days ahead'
);
select ok(
  to_regclass(format('sealog.llm_request_logs_p%s', to_char((now() at time zone 'utc')::date - 90, 'YYYYMMDD'))) is not null,
  'a partition exists 90 days back'
);
select ok(to_regclass('sealog.llm_request_logs_default') is not null, 'a default partition catches stragglers');

-- A straggler 40 days ahead lands in the default partition.
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
values (gen_random_uuid(), now() + interval '40 days', gen_random_uuid(), 'straggler', 'm', 1, 1);
select is((select count(*)::int from sealog.llm_request_logs_default), 1, 'the straggler is in the default partition');

select cmp_ok(
  sealog.maintain_telemetry_partitions(now() + interval '35 days'),
  '>=', 35,
  'maintenance at a later date creates the missing days'
);
select is(
  (select count(*)::int from sealog.llm_request_logs_default),
  0,
  'the default partition is drained into the new day'
);

select * from finish();
rollback;
