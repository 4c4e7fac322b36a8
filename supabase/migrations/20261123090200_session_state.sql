/**
 * Session state: the spec's "KV" with a 24-hour TTL. Running totals per (tenant, session),
 * kept exact under concurrent updates by INSERT ... ON CONFLICT DO UPDATE, and expiring
 * 24 hours after the session's last activity.
 */

-- A domain rather than a table check, as in 20261123080600_api_access_log.sql: every ingest
-- upserts rows here (docs/performance.md, "The database's fixed CPU per request").
create domain sealog.session_risk_tags as sealog.risk_tag[]
  check (cardinality(value) <= 256);
comment on domain sealog.session_risk_tags is 'The union of a session''s risk tags, at most 256.';

create table sealog.session_state (
  tenant_id uuid not null references sealog.tenants (tenant_id) on delete cascade,
  session_id sealog.session_id not null,
  calls sealog.counter not null,
  input_tokens sealog.counter not null,
  output_tokens sealog.counter not null,
  cost_micro_usd sealog.counter not null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  risk_tags sealog.session_risk_tags not null default '{}',
  end_user_id sealog.label,
  last_activity_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (tenant_id, session_id)
);
create index session_state_expires_at_idx on sealog.session_state (expires_at);
create index session_state_tenant_id_end_user_id_idx on sealog.session_state (tenant_id, end_user_id)
  where end_user_id is not null;

comment on table sealog.session_state is 'CONFIDENTIAL; pii=personal; retention=session_state. Running totals per agent session; expires 24 hours after its last activity.';
comment on column sealog.session_state.tenant_id is 'INTERNAL; pii=none; retention=session_state. Tenant, from the API key.';
comment on column sealog.session_state.session_id is 'INTERNAL; pii=none; retention=session_state. Agent session id.';
comment on column sealog.session_state.calls is 'INTERNAL; pii=none; retention=session_state. LLM calls recorded in the session.';
comment on column sealog.session_state.input_tokens is 'INTERNAL; pii=none; retention=session_state. Sum of input tokens.';
comment on column sealog.session_state.output_tokens is 'INTERNAL; pii=none; retention=session_state. Sum of output tokens.';
comment on column sealog.session_state.cost_micro_usd is 'INTERNAL; pii=none; retention=session_state. Sum of cost in millionths of a US dollar.';
comment on column sealog.session_state.first_seen_at is 'INTERNAL; pii=none; retention=session_state. Earliest occurred_at in the session.';
comment on column sealog.session_state.last_seen_at is 'INTERNAL; pii=none; retention=session_state. Latest occurred_at in the session.';
comment on column sealog.session_state.risk_tags is 'CONFIDENTIAL; pii=none; retention=session_state. Union of the risk tags of the session''s calls.';
comment on column sealog.session_state.end_user_id is 'CONFIDENTIAL; pii=pseudonymous; retention=session_state. Latest end user seen in the session; erased by deletion requests.';
comment on column sealog.session_state.last_activity_at is 'INTERNAL; pii=none; retention=session_state. When the session was last updated.';
comment on column sealog.session_state.expires_at is 'INTERNAL; pii=none; retention=session_state. 24 hours after the last activity; the row is gone after it.';

alter table sealog.session_state enable row level security;
alter table sealog.session_state force row level security;
revoke all on table sealog.session_state from public, anon, authenticated, service_role;
grant select on table sealog.session_state to service_role;
-- service_role may read session totals for support; rows are written only by sealog_api.ingest.
create policy session_state_select_policy on sealog.session_state
  for select to service_role using (true);
