/**
 * Per-tenant rate limits: one token bucket per tenant, updated atomically in the database
 * so that the limit holds across every Edge Function instance.
 */

create table sealog.rate_limit_buckets (
  tenant_id uuid primary key references sealog.tenants (tenant_id) on delete cascade,
  tokens double precision not null,
  refilled_at timestamptz not null,
  last_allowed boolean not null
);
comment on table sealog.rate_limit_buckets is 'INTERNAL; pii=none; retention=ephemeral. Token bucket state per tenant.';
comment on column sealog.rate_limit_buckets.tenant_id is 'INTERNAL; pii=none; retention=ephemeral. Tenant the bucket limits.';
comment on column sealog.rate_limit_buckets.tokens is 'INTERNAL; pii=none; retention=ephemeral. Tokens left after the last request.';
comment on column sealog.rate_limit_buckets.refilled_at is 'INTERNAL; pii=none; retention=ephemeral. When tokens were last refilled.';
comment on column sealog.rate_limit_buckets.last_allowed is 'INTERNAL; pii=none; retention=ephemeral. Whether the last request was admitted.';

alter table sealog.rate_limit_buckets enable row level security;
alter table sealog.rate_limit_buckets force row level security;
revoke all on table sealog.rate_limit_buckets from public, anon, authenticated, service_role;
grant select on table sealog.rate_limit_buckets to service_role;
-- service_role may read bucket state to diagnose 429s.
create policy rate_limit_buckets_select_policy on sealog.rate_limit_buckets
  for select to service_role using (true);

/** Section - The bucket of unauthenticated requests */

-- A key that resolves to no usable tenant still takes a token, from this reserved tenant's
-- bucket, so that valid and invalid keys run the same statements (timing-safe, promise 3).
-- The tenant is disabled (tenants_reserved_stays_disabled), owns no data, and its bucket
-- never turns a 401 into a 429.
create function sealog.unauthenticated_tenant_id()
returns uuid
language sql
immutable
parallel safe
set search_path = ''
as $$ select '00000000-0000-0000-0000-000000000000'::uuid $$;
comment on function sealog.unauthenticated_tenant_id() is 'The reserved, always-disabled tenant whose rate-limit bucket requests with an unknown, revoked or expired key draw from.';
revoke all on function sealog.unauthenticated_tenant_id() from public, anon, authenticated, service_role;

insert into sealog.tenants (tenant_id, name, rate_limit_per_second, rate_limit_burst, disabled_at)
values (sealog.unauthenticated_tenant_id(), 'unauthenticated requests (reserved)', 1000, 2000, now());
