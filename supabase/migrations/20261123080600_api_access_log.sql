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

/** Section - Column domains */

-- The columns' rules are domains, not table checks: PostgreSQL reads a table's checks from
-- their stored text and plans them again for every statement that writes a row, where a
-- domain's are kept, planned, in the type cache. Every request writes one row here
-- (docs/performance.md, "The database's fixed CPU per request").
create domain sealog.http_method as text
  check (char_length(value) between 1 and 16 and value ~ '^[A-Z]+$');
comment on domain sealog.http_method is 'An HTTP method as the access log keeps it: 1 to 16 upper-case letters.';

create domain sealog.request_path as text
  check (char_length(value) <= 256 and position('?' in value) = 0);
comment on domain sealog.request_path is 'A request path as the access log keeps it: at most 256 characters, never a query string.';

create domain sealog.http_status as smallint
  check (value between 100 and 599);
comment on domain sealog.http_status is 'An HTTP status code, 100 to 599.';

create domain sealog.milliseconds as integer
  check (value >= 0);
comment on domain sealog.milliseconds is 'A duration in whole milliseconds, never negative.';

create domain sealog.user_agent as text
  check (char_length(value) <= 256);
comment on domain sealog.user_agent is 'A User-Agent header, truncated to 256 characters.';

create domain sealog.request_caller_kind as text
  check (value in ('tenant_key', 'static_token', 'user', 'operator', 'hook', 'none'));
comment on domain sealog.request_caller_kind is 'Kind of caller of a request (sealog.caller_kind): tenant_key, static_token, user, operator, hook, or none.';

create domain sealog.role_name as text
  check (char_length(value) <= 63);
comment on domain sealog.role_name is 'A database role''s name, at most 63 characters (PostgreSQL''s identifiers are at most 63 bytes).';

/** Section - Table */

create table sealog.api_access_log (
  log_id bigint generated always as identity,
  request_id uuid not null,
  received_at timestamptz not null default now(),
  tenant_id uuid,
  key_id uuid,
  scope sealog.api_scope,
  user_id uuid,
  method sealog.http_method not null,
  path sealog.request_path not null,
  status_code sealog.http_status not null,
  error_code sealog.error_code,
  duration_ms sealog.milliseconds not null,
  user_agent sealog.user_agent,
  client_ip inet,
  caller_kind sealog.request_caller_kind not null,
  db_role sealog.role_name not null,
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
