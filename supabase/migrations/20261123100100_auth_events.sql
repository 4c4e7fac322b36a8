/**
 * Auth events: the one-year audit trail of sign-ins, MFA checks, token issuance, SSO grants
 * and lockouts, from Supabase Auth hooks and from any identity provider or app backend.
 * Metadata only: no column can hold a password, token, code, raw JWT, message or an email
 * in clear. An unknown user's address is kept only as a keyed hash (user_pseudonym).
 * ip and user_agent are personal data and are anonymised by deletion requests.
 *
 * Range-partitioned by day of occurred_at (UTC), like telemetry (20261123080350_day_partitions.sql),
 * so the retention purge drops whole expired days. A partitioned key must hold the partition
 * column, so an event's identity is (tenant_id, occurred_at, event_id): a resend carries the
 * same event_id and occurred_at, lands in the same day and is stored once (README
 * "Idempotency"); hook events get a fresh server-generated id and never resend.
 */

/** Section - Table */

create table sealog.auth_events (
  tenant_id uuid not null references sealog.tenants (tenant_id) on delete cascade,
  event_id uuid not null,
  occurred_at timestamptz not null,
  source text not null check (source in ('supabase_auth_hook', 'api', 'operator')),
  type sealog.auth_event_type not null,
  outcome text not null check (outcome in ('success', 'failure')),
  user_id sealog.auth_user_id,
  user_pseudonym bytea check (octet_length(user_pseudonym) = 32),
  method sealog.auth_identifier,
  provider sealog.auth_identifier,
  reason sealog.auth_identifier,
  ip inet,
  user_agent text check (char_length(user_agent) between 1 and 256),
  received_at timestamptz not null default now(),
  primary key (tenant_id, occurred_at, event_id)
) partition by range (occurred_at);

-- Serves the lockout count (user, type, window) and erasure by user.
create index auth_events_tenant_id_user_id_occurred_at_idx on sealog.auth_events (tenant_id, user_id, occurred_at)
  where user_id is not null;
create index auth_events_tenant_id_user_pseudonym_idx on sealog.auth_events (tenant_id, user_pseudonym)
  where user_pseudonym is not null;

comment on table sealog.auth_events is 'CONFIDENTIAL; pii=personal; retention=auth_events. One row per authentication event (sign-in, MFA, token, SSO, lockout): metadata only, kept one year for audit. Partitioned by day.';
comment on column sealog.auth_events.tenant_id is 'INTERNAL; pii=none; retention=auth_events. Tenant, from the API key or SEALOG_AUTH_HOOK_TENANT_ID for Supabase Auth hooks.';
comment on column sealog.auth_events.event_id is 'INTERNAL; pii=none; retention=auth_events. Idempotency key, unique per tenant and occurred_at: client-generated for API events, server-generated for hook events.';
comment on column sealog.auth_events.occurred_at is 'INTERNAL; pii=none; retention=auth_events. When the event happened: the client clock for API events, the database clock for hook events; the partition key.';
comment on column sealog.auth_events.source is 'INTERNAL; pii=none; retention=auth_events. supabase_auth_hook (signed hook delivery), api (tenant key with scope auth-events) or operator (sealog_admin, e.g. an unlock).';
comment on column sealog.auth_events.type is 'INTERNAL; pii=none; retention=auth_events. Event type, e.g. login_success, login_failure, mfa_failure, token_issued, account_locked, sso_grant.';
comment on column sealog.auth_events.outcome is 'INTERNAL; pii=none; retention=auth_events. success or failure.';
comment on column sealog.auth_events.user_id is 'CONFIDENTIAL; pii=identifier; retention=auth_events. User id at the identity provider (auth.users.id for hooks); never an email; erased by deletion requests.';
comment on column sealog.auth_events.user_pseudonym is 'CONFIDENTIAL; pii=pseudonymous; retention=auth_events. HMAC-SHA256 (SEALOG_PSEUDONYM_KEY) of the trimmed, lowercased address given as user id, so attempts on unknown users correlate without storing it; erased by deletion requests.';
comment on column sealog.auth_events.method is 'INTERNAL; pii=none; retention=auth_events. Authentication method, e.g. password, totp, phone, oauth, sso/saml, token_refresh.';
comment on column sealog.auth_events.provider is 'INTERNAL; pii=none; retention=auth_events. Identity provider, e.g. supabase, google, okta.';
comment on column sealog.auth_events.reason is 'INTERNAL; pii=none; retention=auth_events. Machine code of a failure or lockout, e.g. invalid_password, too_many_failures; never free text.';
comment on column sealog.auth_events.ip is 'CONFIDENTIAL; pii=network; retention=auth_events. IP address of the end user''s request; anonymised by deletion requests.';
comment on column sealog.auth_events.user_agent is 'CONFIDENTIAL; pii=device; retention=auth_events. User-Agent of the end user''s request, truncated to 256; anonymised by deletion requests.';
comment on column sealog.auth_events.received_at is 'INTERNAL; pii=none; retention=auth_events. When Sealog stored the row.';

/** Section - RLS and grants */

alter table sealog.auth_events enable row level security;
alter table sealog.auth_events force row level security;
revoke all on table sealog.auth_events from public, anon, authenticated, service_role;
grant select on table sealog.auth_events to service_role;
-- service_role may read auth events for audits; rows are written only by sealog_api functions.
create policy auth_events_select_policy on sealog.auth_events
  for select to service_role using (true);

-- The default partition and the first days; sealog.maintain_partitions() keeps them 7 days
-- ahead from then on.
select sealog.create_day_partitions('sealog.auth_events', now(), 7, 90);
