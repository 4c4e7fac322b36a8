/**
 * API access log: exactly one row per request, rejected ones included.
 * Request metadata only: never bodies, query strings, headers other than the user agent,
 * or credentials.
 *
 * Range-partitioned by day of received_at (UTC), like telemetry: the retention purge drops
 * whole days (sealog.detach_expired_partitions, then sealog.purge_detached_days), so its cost
 * does not grow with the traffic.
 * The primary key must hold the partition key, hence (log_id, received_at).
 */

create table sealog.api_access_log (
  log_id bigint generated always as identity,
  request_id uuid not null,
  received_at timestamptz not null default now(),
  tenant_id uuid,
  key_id uuid,
  scope sealog.api_scope,
  user_id uuid,
  method text not null check (method ~ '^[A-Z]{1,16}$'),
  path text not null check (char_length(path) <= 256 and position('?' in path) = 0),
  status_code smallint not null check (status_code between 100 and 599),
  error_code sealog.error_code,
  duration_ms integer not null check (duration_ms >= 0),
  user_agent text check (char_length(user_agent) <= 256),
  client_ip inet,
  caller_kind text not null check (caller_kind in ('tenant_key', 'static_token', 'user', 'operator', 'hook', 'none')),
  db_role text not null check (char_length(db_role) <= 63),
  primary key (log_id, received_at)
) partition by range (received_at);
-- No (tenant_id, received_at) index here: the tenant reads' (tenant_id, received_at desc, log_id
-- desc) index (20261124080000) serves every tenant-led scan. A second one only added write cost,
-- and unevenly: a refused key's row (no tenant) appended at its right edge without a descent,
-- which made valid keys measurably slower than unknown ones (tests/soak/timing_test.ts).
create index api_access_log_received_at_idx on sealog.api_access_log (received_at);
create index api_access_log_user_id_idx on sealog.api_access_log (user_id) where user_id is not null;
comment on table sealog.api_access_log is 'CONFIDENTIAL; pii=personal; retention=api_access_logs. One row per API request: metadata only, for SOC 2 CC6.1 audit logging.';
comment on column sealog.api_access_log.log_id is 'INTERNAL; pii=none; retention=api_access_logs. Row id.';
comment on column sealog.api_access_log.request_id is 'INTERNAL; pii=none; retention=api_access_logs. Request id, also returned in X-Request-Id.';
comment on column sealog.api_access_log.received_at is 'INTERNAL; pii=none; retention=api_access_logs. When the request was logged.';
comment on column sealog.api_access_log.tenant_id is 'INTERNAL; pii=none; retention=api_access_logs. The caller''s organisation: tenant of the key, static token or hook delivery, when valid; null for users, the operator and refused credentials.';
comment on column sealog.api_access_log.key_id is 'INTERNAL; pii=none; retention=api_access_logs. Key used, when valid; null for the static token map.';
comment on column sealog.api_access_log.scope is 'INTERNAL; pii=none; retention=api_access_logs. Scope the route required.';
comment on column sealog.api_access_log.user_id is 'CONFIDENTIAL; pii=identifier; retention=api_access_logs. Supabase Auth user who called with their own token; cleared by erasure.';
comment on column sealog.api_access_log.method is 'INTERNAL; pii=none; retention=api_access_logs. HTTP method.';
comment on column sealog.api_access_log.path is 'INTERNAL; pii=none; retention=api_access_logs. Request path, never the query string.';
comment on column sealog.api_access_log.status_code is 'INTERNAL; pii=none; retention=api_access_logs. HTTP status answered.';
comment on column sealog.api_access_log.error_code is 'INTERNAL; pii=none; retention=api_access_logs. Stable error code of a rejected request.';
comment on column sealog.api_access_log.duration_ms is 'INTERNAL; pii=none; retention=api_access_logs. Time from receipt until the log row was written.';
comment on column sealog.api_access_log.user_agent is 'CONFIDENTIAL; pii=device; retention=api_access_logs. User-Agent header, truncated to 256; cleared by erasure.';
comment on column sealog.api_access_log.client_ip is 'CONFIDENTIAL; pii=network; retention=api_access_logs. Client IP from the header the gateway sets (SEALOG_CLIENT_IP_HEADER), never a caller-written X-Forwarded-For hop; cleared by erasure.';
comment on column sealog.api_access_log.caller_kind is 'INTERNAL; pii=none; retention=api_access_logs. Kind of caller: tenant_key, static_token, user, operator, hook, or none when no credential was presented. Its organisation is tenant_id.';
comment on column sealog.api_access_log.db_role is 'INTERNAL; pii=none; retention=api_access_logs. Database role that ran the sealog_api function (the login, or the role set on it); the SOC 2 least-privilege control checks it.';

alter table sealog.api_access_log enable row level security;
alter table sealog.api_access_log force row level security;
revoke all on table sealog.api_access_log from public, anon, authenticated, service_role;
grant select on table sealog.api_access_log to service_role;
-- service_role may read the access log for audits; rows are written only by sealog functions.
create policy api_access_log_select_policy on sealog.api_access_log
  for select to service_role using (true);

-- The default partition and the first days; sealog.maintain_partitions() keeps them 7 days
-- ahead from then on.
select sealog.create_day_partitions('sealog.api_access_log', now(), 7, 90);
