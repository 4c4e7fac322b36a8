/**
 * Operator functions for erasures: the outbox of external tasks (Stripe cancellations),
 * which a worker or an operator runs against the processor and then reports back, and the
 * retry of a failed erasure. Executable by postgres only: SUPABASE_DB_URL's user on a
 * hosted project.
 */

create function sealog_admin.erasure_tasks(p_states text[] default array['pending', 'failed'])
returns table (
  task_id uuid,
  request_id uuid,
  kind text,
  processor text,
  stripe_customer_id text,
  stripe_subscription_id text,
  state text,
  attempts integer,
  created_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select o.task_id, o.request_id, o.kind, o.processor, o.stripe_customer_id, o.stripe_subscription_id,
         o.state, o.attempts, o.created_at
    from sealog.erasure_outbox o
   where o.state = any (p_states)
   order by o.created_at, o.task_id
$$;
comment on function sealog_admin.erasure_tasks(text[]) is 'Lists erasure tasks for external processors in the given states (default: pending and failed), oldest first, with the processor ids a worker needs.';

create function sealog_admin.finish_erasure_task(p_task_id uuid, p_succeeded boolean, p_now timestamptz default now())
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_state text;
begin
  -- A completed task keeps no processor ids: the subject is gone from the processor too.
  update sealog.erasure_outbox o
     set state = case when p_succeeded then 'completed' else 'failed' end,
         stripe_customer_id = case when p_succeeded then null else o.stripe_customer_id end,
         stripe_subscription_id = case when p_succeeded then null else o.stripe_subscription_id end,
         attempts = o.attempts + 1,
         finished_at = p_now
   where o.task_id = p_task_id
     and o.state <> 'completed'
  returning o.state into v_state;
  if not found then
    select o.state into v_state from sealog.erasure_outbox o where o.task_id = p_task_id;
  end if;
  return v_state;
end
$$;
comment on function sealog_admin.finish_erasure_task(uuid, boolean, timestamptz) is 'Reports the outcome of an erasure task: completed (processor ids cleared; repeating it changes nothing) or failed (kept for a retry). Returns the task''s state, or null for an unknown task.';

create function sealog_admin.retry_deletion_request(p_request_id uuid, p_now timestamptz default now())
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  update sealog.deletion_requests r
     set status = 'pending', failed_at = null, error_code = null, scheduled_for = p_now
   where r.request_id = p_request_id
     and r.status = 'failed';
  if found then
    return sealog.run_erasure(p_request_id, p_now);
  end if;
  return (select r.status from sealog.deletion_requests r where r.request_id = p_request_id);
exception when unique_violation then
  -- Another request for the same subject is pending; that one will do the erasure.
  return 'failed';
end
$$;
comment on function sealog_admin.retry_deletion_request(uuid, timestamptz) is 'Runs a failed erasure again, at once (all or nothing); returns the request''s status afterwards.';

revoke all on function sealog_admin.erasure_tasks(text[]) from public, anon, authenticated, service_role;
revoke all on function sealog_admin.finish_erasure_task(uuid, boolean, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog_admin.retry_deletion_request(uuid, timestamptz) from public, anon, authenticated, service_role;
