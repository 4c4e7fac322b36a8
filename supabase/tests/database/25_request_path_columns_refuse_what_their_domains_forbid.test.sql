-- The rules of the columns every request writes (the access log, telemetry, session state, the
-- rate-limit shards) are domains, not table checks (docs/performance.md, "The database's fixed
-- CPU per request"): each refuses its bad value with check_violation, as the table checks did,
-- and no table check is left on those tables to be parsed and planned again by every statement.
begin;
select plan(20);

select set_config('test.tenant', sealog_admin.create_tenant('domains refuse')::text, true);

create function pg_temp.access_log_row(p_column text, p_value text)
returns text
language sql
as $$
  select format(
    'insert into sealog.api_access_log (request_id, method, path, status_code, duration_ms, user_agent, caller_kind, db_role) '
    'select gen_random_uuid(), %s',
    concat_ws(', ',
      case p_column when 'method' then p_value else quote_literal('GET') end,
      case p_column when 'path' then p_value else quote_literal('/functions/v1/ingest') end,
      case p_column when 'status_code' then p_value else '200' end,
      case p_column when 'duration_ms' then p_value else '3' end,
      case p_column when 'user_agent' then p_value else 'null' end,
      case p_column when 'caller_kind' then p_value else quote_literal('tenant_key') end,
      case p_column when 'db_role' then p_value else quote_literal('sealog_functions') end))
$$;

select lives_ok(pg_temp.access_log_row(null, null), 'a well-formed access-log row is written');
select throws_ok(pg_temp.access_log_row('method', quote_literal('get')), '23514', null,
  'an access-log method is upper-case letters');
select throws_ok(pg_temp.access_log_row('method', quote_literal(repeat('A', 17))), '23514', null,
  'an access-log method is at most 16 letters');
select throws_ok(pg_temp.access_log_row('path', quote_literal('/ingest?key=secret')), '23514', null,
  'an access-log path never holds a query string');
select throws_ok(pg_temp.access_log_row('path', quote_literal('/' || repeat('a', 256))), '23514', null,
  'an access-log path is at most 256 characters');
select throws_ok(pg_temp.access_log_row('status_code', '99'), '23514', null,
  'an access-log status is at least 100');
select throws_ok(pg_temp.access_log_row('status_code', '600'), '23514', null,
  'an access-log status is at most 599');
select throws_ok(pg_temp.access_log_row('duration_ms', '-1'), '23514', null,
  'an access-log duration is never negative');
select throws_ok(pg_temp.access_log_row('user_agent', quote_literal(repeat('u', 257))), '23514', null,
  'an access-log user agent is at most 256 characters');
select throws_ok(pg_temp.access_log_row('caller_kind', quote_literal('admin')), '23514', null,
  'an access-log caller kind is one of the known kinds');
select throws_ok(pg_temp.access_log_row('db_role', quote_literal(repeat('r', 64))), '23514', null,
  'an access-log role is at most 63 characters');

select throws_ok(
  $$insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens, status)
    values (current_setting('test.tenant')::uuid, now(), gen_random_uuid(), 's', 'm', 1, 1, 'maybe')$$,
  '23514', null, 'an event status is ok or error');
select throws_ok(
  $$insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens, risk_tags)
    select current_setting('test.tenant')::uuid, now(), gen_random_uuid(), 's', 'm', 1, 1,
           array(select 'TAG_' || g from generate_series(1, 33) g)::sealog.risk_tag[]$$,
  '23514', null, 'an event has at most 32 risk tags');
select throws_ok(
  $$insert into sealog.session_state (tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd,
                                      first_seen_at, last_seen_at, risk_tags, last_activity_at, expires_at)
    select current_setting('test.tenant')::uuid, 's', 1, 1, 1, 0, now(), now(),
           array(select 'TAG_' || g from generate_series(1, 257) g)::sealog.risk_tag[], now(), now()$$,
  '23514', null, 'a session has at most 256 risk tags');
select throws_ok(
  $$insert into sealog.rate_limit_buckets (tenant_id, shard, tokens, refilled_at, last_allowed)
    values (current_setting('test.tenant')::uuid, 16, 1, now(), true)$$,
  '23514', null, 'a rate-limit shard is at most 15');
select throws_ok(
  $$insert into sealog.rate_limit_buckets (tenant_id, shard, tokens, refilled_at, last_allowed)
    values (current_setting('test.tenant')::uuid, -1, 1, now(), true)$$,
  '23514', null, 'a rate-limit shard is at least 0');

-- An update that writes a bad value is refused too, not only an insert.
insert into sealog.session_state (tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd,
                                  first_seen_at, last_seen_at, last_activity_at, expires_at)
values (current_setting('test.tenant')::uuid, 's', 1, 1, 1, 0, now(), now(), now(), now() + interval '1 day');
insert into sealog.rate_limit_buckets (tenant_id, shard, tokens, refilled_at, last_allowed)
values (current_setting('test.tenant')::uuid, 15, 1, now(), true);
select throws_ok(
  $$update sealog.session_state set risk_tags = array(select 'TAG_' || g from generate_series(1, 257) g)::sealog.risk_tag[]
     where tenant_id = current_setting('test.tenant')::uuid$$,
  '23514', null, 'an update to more than 256 session risk tags is refused');
select throws_ok(
  $$update sealog.rate_limit_buckets set shard = shard + 1 where tenant_id = current_setting('test.tenant')::uuid$$,
  '23514', null, 'an update to shard 16 is refused');

select col_type_is('sealog', 'api_access_log', 'path', 'sealog.request_path',
  'the access log''s path is a domain');

select is_empty(
  $$select format('%s: %s', k.conrelid::regclass, k.conname)
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid
     where k.contype = 'c'
       and (c.oid in ('sealog.api_access_log'::regclass, 'sealog.llm_request_logs'::regclass,
                      'sealog.session_state'::regclass, 'sealog.rate_limit_buckets'::regclass,
                      'sealog.usage_deltas'::regclass)
            or c.oid in (select inhrelid from pg_inherits
                          where inhparent in ('sealog.api_access_log'::regclass, 'sealog.llm_request_logs'::regclass)))$$,
  'the tables every request writes carry no table check'
);

select * from finish();
rollback;
