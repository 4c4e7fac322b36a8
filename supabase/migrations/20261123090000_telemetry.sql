/**
 * Telemetry: one row per LLM call, metadata only. No column can hold prompt or response
 * content: every text column is a bounded domain, and there is no json column.
 *
 * llm_request_logs is range-partitioned by day of occurred_at (UTC), so the retention purge
 * drops whole partitions. The primary key (tenant_id, occurred_at, event_id) is also what
 * makes ingest idempotent: a resent event (same event_id and occurred_at, as every SDK and
 * OTLP retry sends it) lands in the same day and is stored once; see README "Idempotency".
 * tenant_id leads every key and index, so the table can later be
 * distributed by tenant without a redesign. It has no foreign key to tenants: a per-row
 * check on the hottest insert path buys nothing that the API functions do not already
 * guarantee.
 */

/** Section - Column domains */

-- Domains rather than table checks, as in 20261123080600_api_access_log.sql: a table's checks
-- are read from their stored text and planned again by every statement that writes a row, a
-- domain's are kept in the type cache (docs/performance.md, "The database's fixed CPU per
-- request").
create domain sealog.event_status as text
  check (value in ('ok', 'error'));
comment on domain sealog.event_status is 'The outcome of an LLM call: ok or error.';

create domain sealog.event_risk_tags as sealog.risk_tag[]
  check (cardinality(value) <= 32);
comment on domain sealog.event_risk_tags is 'The risk tags of one LLM call, at most 32.';

/** Section - Telemetry rows */

create table sealog.llm_request_logs (
  tenant_id uuid not null,
  occurred_at timestamptz not null,
  event_id uuid not null,
  session_id sealog.session_id not null,
  model sealog.model_name not null,
  provider sealog.provider_name,
  input_tokens sealog.counter not null,
  output_tokens sealog.counter not null,
  cache_read_input_tokens sealog.counter,
  cache_creation_input_tokens sealog.counter,
  reasoning_tokens sealog.counter,
  latency_ms sealog.counter,
  cost_micro_usd sealog.counter,
  status sealog.event_status,
  error_type sealog.label,
  risk_tags sealog.event_risk_tags,
  end_user_id sealog.label,
  agent_id sealog.label,
  received_at timestamptz not null default now(),
  primary key (tenant_id, occurred_at, event_id)
) partition by range (occurred_at);

-- Erasure finds a subject's rows by end user. No index by session: sessions are read from
-- sealog.session_state, and every index here is written once per stored event (one by session
-- cost ingest about a tenth of its database CPU, docs/performance.md).
create index llm_request_logs_tenant_id_end_user_id_idx on sealog.llm_request_logs (tenant_id, end_user_id)
  where end_user_id is not null;

comment on table sealog.llm_request_logs is 'CONFIDENTIAL; pii=personal; retention=telemetry. One row per LLM call: counts, model and risk tags, never content. Partitioned by day.';
comment on column sealog.llm_request_logs.tenant_id is 'INTERNAL; pii=none; retention=telemetry. Tenant, from the API key.';
comment on column sealog.llm_request_logs.occurred_at is 'INTERNAL; pii=none; retention=telemetry. When the LLM call happened (client clock); the partition key.';
comment on column sealog.llm_request_logs.event_id is 'INTERNAL; pii=none; retention=telemetry. Client-generated idempotency key, unique per tenant and occurred_at.';
comment on column sealog.llm_request_logs.session_id is 'INTERNAL; pii=none; retention=telemetry. Agent session the call belongs to.';
comment on column sealog.llm_request_logs.model is 'INTERNAL; pii=none; retention=telemetry. gen_ai.request.model.';
comment on column sealog.llm_request_logs.provider is 'INTERNAL; pii=none; retention=telemetry. gen_ai.provider.name.';
comment on column sealog.llm_request_logs.input_tokens is 'INTERNAL; pii=none; retention=telemetry. gen_ai.usage.input_tokens.';
comment on column sealog.llm_request_logs.output_tokens is 'INTERNAL; pii=none; retention=telemetry. gen_ai.usage.output_tokens.';
comment on column sealog.llm_request_logs.cache_read_input_tokens is 'INTERNAL; pii=none; retention=telemetry. Input tokens read from the prompt cache.';
comment on column sealog.llm_request_logs.cache_creation_input_tokens is 'INTERNAL; pii=none; retention=telemetry. Input tokens written to the prompt cache.';
comment on column sealog.llm_request_logs.reasoning_tokens is 'INTERNAL; pii=none; retention=telemetry. Reasoning tokens.';
comment on column sealog.llm_request_logs.latency_ms is 'INTERNAL; pii=none; retention=telemetry. Client-measured latency in milliseconds.';
comment on column sealog.llm_request_logs.cost_micro_usd is 'INTERNAL; pii=none; retention=telemetry. Cost in millionths of a US dollar.';
comment on column sealog.llm_request_logs.status is 'INTERNAL; pii=none; retention=telemetry. ok or error.';
comment on column sealog.llm_request_logs.error_type is 'INTERNAL; pii=none; retention=telemetry. error.type of a failed call, at most 128 characters.';
comment on column sealog.llm_request_logs.risk_tags is 'CONFIDENTIAL; pii=none; retention=telemetry. Risk tags found by the SDK in the (unsent) text, e.g. PII_EMAIL.';
comment on column sealog.llm_request_logs.end_user_id is 'CONFIDENTIAL; pii=pseudonymous; retention=telemetry. Pseudonymous id of the agent''s end user; removed by erasure.';
comment on column sealog.llm_request_logs.agent_id is 'INTERNAL; pii=none; retention=telemetry. gen_ai.agent.id.';
comment on column sealog.llm_request_logs.received_at is 'INTERNAL; pii=none; retention=telemetry. When Sealog stored the row.';

/** Section - RLS and grants */

alter table sealog.llm_request_logs enable row level security;
alter table sealog.llm_request_logs force row level security;
revoke all on table sealog.llm_request_logs from public, anon, authenticated, service_role;
grant select on table sealog.llm_request_logs to service_role;
-- service_role may read telemetry for support and exports; rows are written only by sealog_api.ingest.
create policy llm_request_logs_select_policy on sealog.llm_request_logs
  for select to service_role using (true);

-- The default partition and the first days; sealog.maintain_partitions() keeps them 7 days
-- ahead from then on.
select sealog.create_day_partitions('sealog.llm_request_logs', now(), 7, 90);
