/**
 * Deletion requests: the right to be forgotten, as compliance records.
 *
 *   deletion_requests          one row per request, kept forever, with no personal data: the
 *                              subject is only a keyed hash (HMAC-SHA256 with
 *                              SEALOG_PSEUDONYM_KEY, computed by the Edge Function, so the
 *                              key never reaches the database). The receipt is stored here.
 *   deletion_request_subjects  who is to be erased, while the request is pending; the row is
 *                              deleted when the request completes or is cancelled.
 *   erasure_outbox             tasks for external processors (Stripe cancellations), which a
 *                              worker or an operator completes; processor ids are cleared
 *                              once a task is done.
 */

/** Section - Requests (compliance records) */

create table sealog.deletion_requests (
  request_id uuid primary key default gen_random_uuid(),
  requested_by text not null check (requested_by in ('user', 'tenant', 'operator')),
  tenant_id uuid references sealog.tenants (tenant_id) on delete restrict,
  subject_kind text not null check (subject_kind in ('user', 'email', 'end_user')),
  subject_hash bytea not null check (octet_length(subject_hash) = 32),
  status text not null default 'pending' check (status in ('pending', 'completed', 'failed', 'cancelled')),
  requested_at timestamptz not null,
  scheduled_for timestamptz not null,
  completed_at timestamptz,
  cancelled_at timestamptz,
  failed_at timestamptz,
  error_code text check (error_code ~ '^[0-9A-Z]{5}$'),
  receipt jsonb,
  check ((subject_kind = 'end_user') = (tenant_id is not null)),
  check ((status = 'completed') = (completed_at is not null and receipt is not null)),
  check ((status = 'cancelled') = (cancelled_at is not null)),
  check ((status = 'failed') = (failed_at is not null))
);
-- At most one pending request per subject (and tenant): a second request returns the first.
create unique index deletion_requests_pending_subject_key on sealog.deletion_requests (subject_hash, tenant_id)
  nulls not distinct where status = 'pending';
create index deletion_requests_tenant_id_requested_at_idx on sealog.deletion_requests (tenant_id, requested_at)
  where tenant_id is not null;
create index deletion_requests_due_idx on sealog.deletion_requests (scheduled_for) where status = 'pending';
create index deletion_requests_subject_hash_idx on sealog.deletion_requests (subject_hash, requested_at);

comment on table sealog.deletion_requests is 'CONFIDENTIAL; pii=none; retention=compliance_reports. Data-subject deletion requests and their receipts; kept forever, without personal data.';
comment on column sealog.deletion_requests.request_id is 'INTERNAL; pii=none; retention=compliance_reports. Request id, returned to the requester.';
comment on column sealog.deletion_requests.requested_by is 'INTERNAL; pii=none; retention=compliance_reports. Kind of caller: user (self-service), tenant (privacy key) or operator (project secret key).';
comment on column sealog.deletion_requests.tenant_id is 'INTERNAL; pii=none; retention=compliance_reports. Tenant whose end user is erased; null for platform users.';
comment on column sealog.deletion_requests.subject_kind is 'INTERNAL; pii=none; retention=compliance_reports. How the subject was named: user (id), email, or end_user (a tenant''s end-user id).';
comment on column sealog.deletion_requests.subject_hash is 'CONFIDENTIAL; pii=none; retention=compliance_reports. HMAC-SHA256 of the subject under SEALOG_PSEUDONYM_KEY; irreversible without the key, which the database never holds.';
comment on column sealog.deletion_requests.status is 'INTERNAL; pii=none; retention=compliance_reports. pending, completed, failed or cancelled.';
comment on column sealog.deletion_requests.requested_at is 'INTERNAL; pii=none; retention=compliance_reports. When the request was received.';
comment on column sealog.deletion_requests.scheduled_for is 'INTERNAL; pii=none; retention=compliance_reports. End of the grace period (SEALOG_ERASURE_GRACE); the erasure runs from then on.';
comment on column sealog.deletion_requests.completed_at is 'INTERNAL; pii=none; retention=compliance_reports. When the erasure committed.';
comment on column sealog.deletion_requests.cancelled_at is 'INTERNAL; pii=none; retention=compliance_reports. When the request was cancelled within its grace period.';
comment on column sealog.deletion_requests.failed_at is 'INTERNAL; pii=none; retention=compliance_reports. When the erasure failed; nothing of it was applied.';
comment on column sealog.deletion_requests.error_code is 'INTERNAL; pii=none; retention=compliance_reports. SQLSTATE of a failed erasure; never its message, which could quote data.';
comment on column sealog.deletion_requests.receipt is 'CONFIDENTIAL; pii=none; retention=compliance_reports. What the erasure did: rows deleted and anonymised per table, and external tasks. Counts and ids only.';

alter table sealog.deletion_requests enable row level security;
alter table sealog.deletion_requests force row level security;
revoke all on table sealog.deletion_requests from public, anon, authenticated, service_role;
grant select on table sealog.deletion_requests to service_role;
-- service_role may read requests and receipts for audits; rows are written only by sealog functions.
create policy deletion_requests_select_policy on sealog.deletion_requests
  for select to service_role using (true);

/** Section - Subjects of pending requests */

create table sealog.deletion_request_subjects (
  request_id uuid primary key references sealog.deletion_requests (request_id) on delete cascade,
  user_id uuid,
  email text check (email = lower(email) and char_length(email) <= 320),
  end_user_id sealog.label,
  email_pseudonyms bytea[] not null default '{}' check (cardinality(email_pseudonyms) <= 16),
  check (num_nonnulls(user_id, email, end_user_id) >= 1)
);
create index deletion_request_subjects_user_id_idx on sealog.deletion_request_subjects (user_id)
  where user_id is not null;
comment on table sealog.deletion_request_subjects is 'RESTRICTED; pii=personal; retention=user_data. Who a pending request will erase; deleted when the request completes or is cancelled.';
comment on column sealog.deletion_request_subjects.request_id is 'INTERNAL; pii=none; retention=user_data. The request.';
comment on column sealog.deletion_request_subjects.user_id is 'RESTRICTED; pii=identifier; retention=user_data. Platform user to erase (auth.users.id), named or resolved from the email.';
comment on column sealog.deletion_request_subjects.email is 'RESTRICTED; pii=contact; retention=user_data. Address to erase, lower-cased, when the operator named one.';
comment on column sealog.deletion_request_subjects.end_user_id is 'RESTRICTED; pii=pseudonymous; retention=user_data. The tenant''s end-user id to erase.';
comment on column sealog.deletion_request_subjects.email_pseudonyms is 'RESTRICTED; pii=pseudonymous; retention=user_data. HMAC-SHA256 (SEALOG_PSEUDONYM_KEY) of the addresses the Edge Function knew the subject by, to find rows that keep an address only as such a pseudonym (auth events).';

alter table sealog.deletion_request_subjects enable row level security;
alter table sealog.deletion_request_subjects force row level security;
revoke all on table sealog.deletion_request_subjects from public, anon, authenticated, service_role;
grant select on table sealog.deletion_request_subjects to service_role;
-- service_role may see what a pending request will erase; rows are written only by sealog functions.
create policy deletion_request_subjects_select_policy on sealog.deletion_request_subjects
  for select to service_role using (true);

/** Section - Outbox for external processors */

create table sealog.erasure_outbox (
  task_id uuid primary key default gen_random_uuid(),
  request_id uuid not null references sealog.deletion_requests (request_id) on delete restrict,
  kind text not null check (kind in ('cancel_subscription')),
  processor text not null check (processor in ('stripe')),
  stripe_customer_id text check (stripe_customer_id ~ '^cus_[A-Za-z0-9]{1,64}$'),
  stripe_subscription_id text check (stripe_subscription_id ~ '^sub_[A-Za-z0-9]{1,64}$'),
  state text not null default 'pending' check (state in ('pending', 'completed', 'failed')),
  created_at timestamptz not null,
  attempts integer not null default 0 check (attempts >= 0),
  finished_at timestamptz,
  -- A pending or failed task needs the processor's ids; a completed one keeps none.
  check ((state = 'completed') = (stripe_customer_id is null and stripe_subscription_id is null)),
  check ((state = 'pending') = (finished_at is null))
);
create index erasure_outbox_request_id_idx on sealog.erasure_outbox (request_id);
create index erasure_outbox_pending_idx on sealog.erasure_outbox (created_at) where state = 'pending';
comment on table sealog.erasure_outbox is 'CONFIDENTIAL; pii=personal; retention=ephemeral. Erasure tasks for external processors (Stripe cancellations), completed by a worker or an operator.';
comment on column sealog.erasure_outbox.task_id is 'INTERNAL; pii=none; retention=ephemeral. Task id, listed in the receipt.';
comment on column sealog.erasure_outbox.request_id is 'INTERNAL; pii=none; retention=ephemeral. Deletion request that created the task.';
comment on column sealog.erasure_outbox.kind is 'INTERNAL; pii=none; retention=ephemeral. What to do: cancel_subscription.';
comment on column sealog.erasure_outbox.processor is 'INTERNAL; pii=none; retention=ephemeral. External processor: stripe.';
comment on column sealog.erasure_outbox.stripe_customer_id is 'CONFIDENTIAL; pii=financial; retention=ephemeral. Stripe customer id; cleared when the task completes.';
comment on column sealog.erasure_outbox.stripe_subscription_id is 'CONFIDENTIAL; pii=financial; retention=ephemeral. Stripe subscription to cancel; cleared when the task completes.';
comment on column sealog.erasure_outbox.state is 'INTERNAL; pii=none; retention=ephemeral. pending, completed or failed (retryable).';
comment on column sealog.erasure_outbox.created_at is 'INTERNAL; pii=none; retention=ephemeral. When the erasure created the task.';
comment on column sealog.erasure_outbox.attempts is 'INTERNAL; pii=none; retention=ephemeral. Outcomes reported so far.';
comment on column sealog.erasure_outbox.finished_at is 'INTERNAL; pii=none; retention=ephemeral. When the last outcome was reported.';

alter table sealog.erasure_outbox enable row level security;
alter table sealog.erasure_outbox force row level security;
revoke all on table sealog.erasure_outbox from public, anon, authenticated, service_role;
grant select on table sealog.erasure_outbox to service_role;
-- service_role may read tasks to run them; outcomes are reported through sealog_admin functions.
create policy erasure_outbox_select_policy on sealog.erasure_outbox
  for select to service_role using (true);
