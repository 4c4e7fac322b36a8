/**
 * Tenants and API keys.
 * The tenant of every request comes from its API key, never from the client.
 * Keys are stored only as SHA-256 digests; the plaintext is shown once, at issue time.
 */

/** Section - Tables */

create table sealog.tenants (
  tenant_id uuid primary key default gen_random_uuid(),
  name sealog.label not null,
  rate_limit_per_second integer not null default 50
    check (rate_limit_per_second between 1 and 100000),
  rate_limit_burst integer not null default 100
    check (rate_limit_burst between 1 and 1000000),
  created_at timestamptz not null default now(),
  disabled_at timestamptz,
  -- The nil uuid is reserved for the bucket of unauthenticated requests (rate_limits) and
  -- can never authenticate anything.
  constraint tenants_reserved_stays_disabled
    check (tenant_id <> '00000000-0000-0000-0000-000000000000' or disabled_at is not null)
);
comment on table sealog.tenants is 'CONFIDENTIAL; pii=none; retention=account. Customers of Sealog; every other row belongs to exactly one tenant.';
comment on column sealog.tenants.tenant_id is 'INTERNAL; pii=none; retention=account. Tenant id; derived server-side from the API key on every request.';
comment on column sealog.tenants.name is 'CONFIDENTIAL; pii=none; retention=account. Display name of the customer organisation.';
comment on column sealog.tenants.rate_limit_per_second is 'INTERNAL; pii=none; retention=account. Sustained request rate allowed for the tenant (token refill per second).';
comment on column sealog.tenants.rate_limit_burst is 'INTERNAL; pii=none; retention=account. Burst size of the tenant''s token bucket.';
comment on column sealog.tenants.created_at is 'INTERNAL; pii=none; retention=account. When the tenant was created.';
comment on column sealog.tenants.disabled_at is 'INTERNAL; pii=none; retention=account. When set, every key of the tenant is refused.';

create table sealog.api_keys (
  key_id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references sealog.tenants (tenant_id) on delete cascade,
  key_digest bytea not null unique check (octet_length(key_digest) = 32),
  display_prefix text not null check (display_prefix ~ '^slg_[a-z]+_[A-Za-z0-9_-]{4}$'),
  label sealog.label not null default '',
  scopes sealog.api_scope[] not null check (cardinality(scopes) between 1 and 5),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  -- The reserved tenant of unauthenticated requests holds no key (see tenants).
  constraint api_keys_not_for_the_reserved_tenant
    check (tenant_id <> '00000000-0000-0000-0000-000000000000')
);
create index api_keys_tenant_id_idx on sealog.api_keys (tenant_id);
comment on table sealog.api_keys is 'RESTRICTED; pii=none; retention=account. API keys of tenants, as SHA-256 digests only.';
comment on column sealog.api_keys.key_id is 'INTERNAL; pii=none; retention=account. Key id, shown in listings and the access log.';
comment on column sealog.api_keys.tenant_id is 'INTERNAL; pii=none; retention=account. Tenant the key authenticates as.';
comment on column sealog.api_keys.key_digest is 'RESTRICTED; pii=none; retention=account. SHA-256 of the key; the key itself is never stored.';
comment on column sealog.api_keys.display_prefix is 'INTERNAL; pii=none; retention=account. First characters of the key, non-secret, to recognise it.';
comment on column sealog.api_keys.label is 'INTERNAL; pii=none; retention=account. Operator''s label for the key.';
comment on column sealog.api_keys.scopes is 'INTERNAL; pii=none; retention=account. Operations the key may call: ingest, auth-events, privacy (writes), read, audit (reads).';
comment on column sealog.api_keys.created_at is 'INTERNAL; pii=none; retention=account. When the key was issued.';
comment on column sealog.api_keys.last_used_at is 'INTERNAL; pii=none; retention=account. Last successful use, updated at most once a minute.';
comment on column sealog.api_keys.expires_at is 'INTERNAL; pii=none; retention=account. After this instant the key is refused.';
comment on column sealog.api_keys.revoked_at is 'INTERNAL; pii=none; retention=account. When set, the key is refused.';

/** Section - RLS and grants */

alter table sealog.tenants enable row level security;
alter table sealog.tenants force row level security;
revoke all on table sealog.tenants from public, anon, authenticated, service_role;
grant select on table sealog.tenants to service_role;
-- service_role may read tenants for operations dashboards; writes go through sealog_admin.
create policy tenants_select_policy on sealog.tenants
  for select to service_role using (true);

alter table sealog.api_keys enable row level security;
alter table sealog.api_keys force row level security;
revoke all on table sealog.api_keys from public, anon, authenticated, service_role;
grant select (key_id, tenant_id, display_prefix, label, scopes, created_at, last_used_at, expires_at, revoked_at)
  on table sealog.api_keys to service_role;
-- service_role may list keys, but never read their digests (column grant above).
create policy api_keys_select_policy on sealog.api_keys
  for select to service_role using (true);
