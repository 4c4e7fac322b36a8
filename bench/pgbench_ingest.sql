-- P2's hardware ceiling (bench/ratios.ts): one POST /ingest of one event, as the rows it writes
-- and nothing else, in one durable transaction. pgbench -M prepared, with -D tenant=<uuid> and
-- key=<uuid> (a tenant and key of its own, its 16 rate-limit shards inserted beforehand).
-- Read from sealog_api.ingest and the request pipeline (sealog.authenticate,
-- sealog.take_rate_limit_token, sealog.finish_request):
--   the event                     sealog.llm_request_logs, one row
--   its session's totals          sealog.session_state upsert (each connection its own session)
--   the rate-limit token          sealog.rate_limit_buckets, one shard updated
--   (the key's last use           sealog.api_keys, written once a minute per key: left out)
--   the access-log row            sealog.api_access_log, one row
begin;
insert into sealog.llm_request_logs (
  tenant_id, occurred_at, event_id, session_id, model, provider, input_tokens, output_tokens,
  cache_read_input_tokens, latency_ms, cost_micro_usd, status, risk_tags, agent_id
)
values (
  :tenant::uuid, now(), gen_random_uuid(), 'pgbench-c' || :client_id, 'gpt-4o-mini', 'openai',
  1200, 350, 512, 840, 4210, 'ok', '{PII_EMAIL}', 'bench-agent'
);
insert into sealog.session_state as s (
  tenant_id, session_id, calls, input_tokens, output_tokens, cost_micro_usd, first_seen_at,
  last_seen_at, risk_tags, last_activity_at, expires_at
)
values (
  :tenant::uuid, 'pgbench-c' || :client_id, 1, 1200, 350, 4210, now(), now(), '{PII_EMAIL}',
  now(), now() + interval '24 hours'
)
on conflict (tenant_id, session_id) do update set
  calls = s.calls + excluded.calls,
  input_tokens = s.input_tokens + excluded.input_tokens,
  output_tokens = s.output_tokens + excluded.output_tokens,
  cost_micro_usd = s.cost_micro_usd + excluded.cost_micro_usd,
  last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
  risk_tags = excluded.risk_tags,
  last_activity_at = now(),
  expires_at = excluded.expires_at;
update sealog.rate_limit_buckets
   set tokens = tokens - 1,
       refilled_at = now(),
       last_allowed = true
 where tenant_id = :tenant::uuid
   and shard = :client_id % 16;
insert into sealog.api_access_log (
  request_id, tenant_id, key_id, scope, method, path, status_code, duration_ms, user_agent,
  client_ip, caller_kind, db_role
)
values (
  gen_random_uuid(), :tenant::uuid, :key::uuid, 'ingest', 'POST', '/functions/v1/ingest', 200, 3,
  'pgbench', '127.0.0.1', 'tenant_key', 'sealog_functions'
);
commit;
