/**
 * Per-tenant rate limits: a token bucket per tenant, updated atomically in the database so
 * that the limit holds across every Edge Function instance.
 *
 * The bucket is split into shards (up to 16 rows per tenant), each holding its share of the
 * burst and refilled at its share of the rate; the tenant's tokens are their sum. A request
 * locks one shard that has a token until it commits, so up to 16 requests of one tenant run
 * at once instead of one (sealog.take_rate_limit_token).
 */

-- A domain rather than a table check, as in 20261123080600_api_access_log.sql: a table's check
-- runs again, parsed and planned, for every row an update writes (one per request here), a
-- domain's only where the shard itself is written (docs/performance.md, "The database's fixed
-- CPU per request").
create domain sealog.rate_limit_shard as smallint
  check (value between 0 and 15);
comment on domain sealog.rate_limit_shard is 'A shard of a tenant''s rate-limit bucket, 0 to 15.';

create table sealog.rate_limit_buckets (
  tenant_id uuid not null references sealog.tenants (tenant_id) on delete cascade,
  shard sealog.rate_limit_shard not null default 0,
  tokens double precision not null,
  refilled_at timestamptz not null,
  last_allowed boolean not null,
  primary key (tenant_id, shard)
);
comment on table sealog.rate_limit_buckets is 'INTERNAL; pii=none; retention=ephemeral. Token bucket state per tenant, in shards whose tokens add up to the tenant''s.';
comment on column sealog.rate_limit_buckets.tenant_id is 'INTERNAL; pii=none; retention=ephemeral. Tenant the bucket limits.';
comment on column sealog.rate_limit_buckets.shard is 'INTERNAL; pii=none; retention=ephemeral. Shard of the tenant''s bucket, 0 to least(16, burst) - 1; it holds its whole-token share of the burst, the remainder to the first shards (sealog.take_rate_limit_token).';
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
-- never turns a 401 into a 429. So its tokens limit nothing, and it refills at the highest rate
-- a tenant may have: a flood of unknown keys never finds it dry, which would cost each request
-- a second scan of the shards and a wait on one held by a request in flight, where a valid key
-- of a tenant within its limit takes one (docs/performance.md, "The database's CPU per request").
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
values (sealog.unauthenticated_tenant_id(), 'unauthenticated requests (reserved)', 100000, 200000, now());
