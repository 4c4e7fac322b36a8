/**
 * Replay protection for Supabase Auth hooks: every accepted Standard Webhooks message id,
 * per tenant. The Edge Function rejects a timestamp more than 5 minutes off, and this
 * ledger rejects a message id seen before, so a captured delivery cannot be replayed.
 * Supabase Auth signs every attempt, retries included, with a fresh message id.
 *
 * Range-partitioned by day of received_at (UTC), like telemetry, so the retention purge
 * drops whole expired days. A partitioned unique index must hold the partition column, so
 * the key (tenant_id, received_at, webhook_id) cannot make an id unique on its own: the
 * hook function does, exactly, by looking the id up in every day under a per-id lock
 * (sealog_api.record_auth_hook), through the (tenant_id, webhook_id) index.
 */

create table sealog.auth_hook_deliveries (
  tenant_id uuid not null references sealog.tenants (tenant_id) on delete cascade,
  webhook_id sealog.webhook_id not null,
  received_at timestamptz not null default now(),
  primary key (tenant_id, received_at, webhook_id)
) partition by range (received_at);
-- The replay lookup: one probe per daily partition, whatever its size.
create index auth_hook_deliveries_tenant_id_webhook_id_idx on sealog.auth_hook_deliveries (tenant_id, webhook_id);

comment on table sealog.auth_hook_deliveries is 'INTERNAL; pii=none; retention=auth_events. Message ids of accepted Supabase Auth hook deliveries, so that a replayed delivery is rejected. Partitioned by day.';
comment on column sealog.auth_hook_deliveries.tenant_id is 'INTERNAL; pii=none; retention=auth_events. Tenant the hook delivered to (SEALOG_AUTH_HOOK_TENANT_ID).';
comment on column sealog.auth_hook_deliveries.webhook_id is 'INTERNAL; pii=none; retention=auth_events. The webhook-id header of the delivery, a random id chosen by Supabase Auth; unique per tenant (enforced by the hook function).';
comment on column sealog.auth_hook_deliveries.received_at is 'INTERNAL; pii=none; retention=auth_events. When the delivery was accepted; the partition key. Rows older than the 5-minute signature tolerance only need keeping for audit.';

alter table sealog.auth_hook_deliveries enable row level security;
alter table sealog.auth_hook_deliveries force row level security;
revoke all on table sealog.auth_hook_deliveries from public, anon, authenticated, service_role;
grant select on table sealog.auth_hook_deliveries to service_role;
-- service_role may read the ledger to diagnose rejected deliveries; rows are written only by sealog_api.
create policy auth_hook_deliveries_select_policy on sealog.auth_hook_deliveries
  for select to service_role using (true);

-- The default partition and the first days; sealog.maintain_partitions() keeps them 7 days
-- ahead from then on.
select sealog.create_day_partitions('sealog.auth_hook_deliveries', now(), 7, 90);
