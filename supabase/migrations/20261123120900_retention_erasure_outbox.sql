/**
 * Housekeeping of the erasure outbox: completed tasks for external processors (their
 * processor ids already cleared) are working state of category ephemeral, deleted a week
 * after they finished. Pending and failed tasks are work still to do and are never purged.
 * The deletion request keeps its receipt, which lists each task.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create or replace function sealog.purge_ephemeral(
  p_now timestamptz default now(),
  p_batch_size integer default 5000,
  p_max_batches integer default 200
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
declare
  v_started timestamptz := clock_timestamp();
  v_buckets record;
  v_tasks record;
begin
  select * into v_buckets
    from sealog.purge_expired_rows(
      'ephemeral', 'sealog.rate_limit_buckets', 'tenant_id', p_now, p_batch_size, p_max_batches);
  select * into v_tasks
    from sealog.purge_expired_rows(
      'ephemeral', 'sealog.erasure_outbox', 'task_id', p_now, p_batch_size, p_max_batches,
      format('state = %L and finished_at <= %L', 'completed', sealog.retention_cutoff('ephemeral', p_now)));
  return sealog.record_purge(
    'ephemeral', p_now, v_started, v_buckets.rows_deleted + v_tasks.rows_deleted, 0, 0,
    v_buckets.complete and v_tasks.complete,
    nullif(concat_ws('; ', v_buckets.note, v_tasks.note), ''));
end
$$;
comment on function sealog.purge_ephemeral(timestamptz, integer, integer) is 'Deletes working state no longer needed: rate-limit buckets idle for a week and erasure tasks completed a week ago.';
revoke all on function sealog.purge_ephemeral(timestamptz, integer, integer) from public, anon, authenticated, service_role, sealog_edge;

update sealog.retention_policies
   set description = 'Working state no longer needed after a week: idle rate-limit buckets (a new bucket starts full) and completed erasure-outbox tasks.'
 where category = 'ephemeral';
