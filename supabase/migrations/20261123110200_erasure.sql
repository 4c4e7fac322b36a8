/**
 * The erasure: one SECURITY DEFINER function, sealog.erase_subject, erases one subject in one
 * transaction (a subtransaction when several run in one pg_cron run): either every store
 * loses the subject, or none does and the request is marked failed with its SQLSTATE.
 *
 * For a platform user (named by id or by email) it:
 *   - writes a Stripe cancel_subscription task to the outbox for each live subscription;
 *   - deletes their subscriptions, waitlist rows and interaction rows, by user id and by
 *     every address the user is known by (another account's row that merely carries one of
 *     those addresses keeps the row and loses the address); deletes their profile;
 *   - anonymises their reviews (user_id becomes null; the review stays);
 *   - deletes the telemetry rows and the session state whose end_user_id is their id, in
 *     every tenant;
 *   - anonymises their API-access-log rows (user id, ip and user agent cleared);
 *   - deletes the auth.users row last, which takes its sessions and identities with it.
 * For a tenant's end user it does the telemetry and session-state part, in that tenant only.
 *
 * It runs at once when the grace period is 0 (in the request's own transaction), and
 * otherwise from pg_cron every minute for due requests. It is idempotent: a request that is
 * no longer pending is left alone and its stored receipt returned unchanged.
 */

/** Section - The erasure of one subject */

create function sealog.erase_subject(p_request_id uuid, p_now timestamptz default now())
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_request sealog.deletion_requests;
  v_subject sealog.deletion_request_subjects;
  v_user_id uuid;
  v_emails text[] := '{}'::text[];
  v_end_user_ids text[] := '{}'::text[];
  v_tenant_ids uuid[];
  v_deleted jsonb := '{}'::jsonb;
  v_anonymised jsonb := '{}'::jsonb;
  v_tasks jsonb := '[]'::jsonb;
  v_count bigint;
  v_receipt jsonb;
begin
  select * into v_request
    from sealog.deletion_requests
   where request_id = p_request_id
     for update;
  if not found then
    return null;
  end if;
  -- Idempotent: completed, failed and cancelled requests are never run again.
  if v_request.status <> 'pending' then
    return v_request.receipt;
  end if;

  select * into v_subject
    from sealog.deletion_request_subjects
   where request_id = p_request_id;

  if v_request.subject_kind = 'end_user' then
    v_tenant_ids := array[v_request.tenant_id];
    v_end_user_ids := array[v_subject.end_user_id::text];
  else
    v_user_id := v_subject.user_id;
    -- Every address the user is known by: the one named, the account's, its identities'.
    select coalesce(array_agg(distinct e.email) filter (where e.email is not null), '{}')
      into v_emails
      from (
        select v_subject.email
        union all
        select lower(u.email) from auth.users u where u.id = v_user_id
        union all
        select lower(i.email) from auth.identities i where i.user_id = v_user_id
      ) as e (email);
    -- A platform user's id is what the platform reports as end_user_id, in any tenant.
    if v_user_id is not null then
      v_end_user_ids := array[v_user_id::text];
    end if;
    select coalesce(array_agg(t.tenant_id), '{}') into v_tenant_ids from sealog.tenants t;

    -- Stripe first: one cancellation task per live subscription, before the rows go.
    with tasks as (
      insert into sealog.erasure_outbox (request_id, kind, processor, stripe_customer_id, stripe_subscription_id, created_at)
      select p_request_id, 'cancel_subscription', 'stripe', s.stripe_customer_id, s.stripe_subscription_id, p_now
        from public.sealog_user_agent_subscriptions s
       where s.user_id = v_user_id
         and s.stripe_subscription_id is not null
         and s.status <> 'canceled'
       order by s.created_at, s.subscription_id
      returning task_id, kind, processor, state
    )
    select coalesce(jsonb_agg(jsonb_build_object(
             'task_id', t.task_id, 'kind', t.kind, 'processor', t.processor, 'state', t.state
           ) order by t.task_id), '[]')
      into v_tasks
      from tasks t;

    -- Rows of the subject go; rows of someone else that carry the subject's address lose it.
    delete from public.sealog_user_agent_subscriptions s
     where s.user_id = v_user_id;
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('public.sealog_user_agent_subscriptions', v_count);
    update public.sealog_user_agent_subscriptions s
       set billing_email = null
     where lower(s.billing_email) = any (v_emails);
    get diagnostics v_count = row_count;
    v_anonymised := v_anonymised || jsonb_build_object('public.sealog_user_agent_subscriptions', v_count);

    -- A waitlist row is an address waiting for a launch: it goes whoever added it.
    delete from public.sealog_agent_waitlist w
     where w.user_id = v_user_id or lower(w.email) = any (v_emails);
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('public.sealog_agent_waitlist', v_count);

    delete from public.sealog_interactions i
     where i.user_id = v_user_id
        or (i.user_id is null and lower(i.email) = any (v_emails));
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('public.sealog_interactions', v_count);
    update public.sealog_interactions i
       set email = null
     where lower(i.email) = any (v_emails);
    get diagnostics v_count = row_count;
    v_anonymised := v_anonymised || jsonb_build_object('public.sealog_interactions', v_count);

    delete from public.sealog_profiles p
     where p.id = v_user_id;
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('public.sealog_profiles', v_count);

    update public.sealog_reviews r
       set user_id = null
     where r.user_id = v_user_id;
    get diagnostics v_count = row_count;
    v_anonymised := v_anonymised || jsonb_build_object('public.sealog_reviews', v_count);

    update sealog.api_access_log l
       set user_id = null, client_ip = null, user_agent = null
     where l.user_id = v_user_id;
    get diagnostics v_count = row_count;
    v_anonymised := v_anonymised || jsonb_build_object('sealog.api_access_log', v_count);
  end if;

  -- Telemetry rows go, not only their end_user_id: a row kept without it still carries the
  -- session, the agent and the exact times that can single the person out, and clearing a
  -- column rewrites each row and every index entry (4 to 6 s for 90k rows among 10 million,
  -- against 60 ms to delete them). The usage rollups lose these events with the rows.
  delete from sealog.llm_request_logs l
   where l.tenant_id = any (v_tenant_ids)
     and l.end_user_id = any (v_end_user_ids);
  get diagnostics v_count = row_count;
  v_deleted := v_deleted || jsonb_build_object('sealog.llm_request_logs', v_count);

  delete from sealog.session_state s
   where s.tenant_id = any (v_tenant_ids)
     and s.end_user_id = any (v_end_user_ids);
  get diagnostics v_count = row_count;
  v_deleted := v_deleted || jsonb_build_object('sealog.session_state', v_count);

  -- Auth events stay for the audit trail, without who, from where and with what: the user
  -- id, the pseudonym of an address (as the Edge Function computed it for this subject),
  -- the ip and the user agent are cleared.
  update sealog.auth_events e
     set user_id = null, user_pseudonym = null, ip = null, user_agent = null
   where e.tenant_id = any (v_tenant_ids)
     and (e.user_id = any (v_end_user_ids) or e.user_pseudonym = any (v_subject.email_pseudonyms));
  get diagnostics v_count = row_count;
  v_anonymised := v_anonymised || jsonb_build_object('sealog.auth_events', v_count);

  if v_request.subject_kind <> 'end_user' then
    -- Other pending requests for the same person are settled by this one: their subject rows
    -- would otherwise keep the identifiers that were just erased.
    update sealog.deletion_requests r
       set status = 'completed',
           completed_at = p_now,
           receipt = jsonb_build_object(
             'request_id', r.request_id,
             'subject', jsonb_build_object('kind', r.subject_kind, 'hash', 'hmac-sha256:' || encode(r.subject_hash, 'hex')),
             'requested_by', r.requested_by,
             'tenant_id', r.tenant_id,
             'erased_at', p_now,
             'settled_by', p_request_id,
             'deleted', '{}'::jsonb,
             'anonymised', '{}'::jsonb,
             'external_tasks', '[]'::jsonb)
      from sealog.deletion_request_subjects s
     where s.request_id = r.request_id
       and r.request_id <> p_request_id
       and r.status = 'pending'
       and r.subject_kind <> 'end_user'
       and (s.user_id = v_user_id or s.email = any (v_emails));
    delete from sealog.deletion_request_subjects s
     using sealog.deletion_requests r
     where r.request_id = s.request_id
       and r.status = 'completed'
       and r.receipt ->> 'settled_by' = p_request_id::text;

    -- Last: the account, with the sessions and identities Supabase Auth cascades from it.
    select count(*) into v_count from auth.sessions s where s.user_id = v_user_id;
    v_deleted := v_deleted || jsonb_build_object('auth.sessions', v_count);
    select count(*) into v_count from auth.identities i where i.user_id = v_user_id;
    v_deleted := v_deleted || jsonb_build_object('auth.identities', v_count);
    delete from auth.users u
     where u.id = v_user_id;
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('auth.users', v_count);
  end if;

  v_receipt := jsonb_build_object(
    'request_id', p_request_id,
    'subject', jsonb_build_object('kind', v_request.subject_kind, 'hash', 'hmac-sha256:' || encode(v_request.subject_hash, 'hex')),
    'requested_by', v_request.requested_by,
    'tenant_id', v_request.tenant_id,
    'erased_at', p_now,
    'deleted', v_deleted,
    'anonymised', v_anonymised,
    'external_tasks', v_tasks
  );
  update sealog.deletion_requests
     set status = 'completed',
         completed_at = p_now,
         receipt = v_receipt
   where request_id = p_request_id;
  delete from sealog.deletion_request_subjects
   where request_id = p_request_id;
  return v_receipt;
end
$$;
comment on function sealog.erase_subject(uuid, timestamptz) is 'Erases the subject of one pending deletion request from every store (auth events included), in the caller''s transaction, and stores and returns the receipt; returns the stored receipt unchanged for a request that is no longer pending.';

/** Section - Running erasures */

create function sealog.run_erasure(p_request_id uuid, p_now timestamptz default now())
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_state text;
begin
  begin
    perform sealog.erase_subject(p_request_id, p_now);
  exception when others then
    -- All or nothing: the subtransaction is rolled back. Only the SQLSTATE is kept, since
    -- an error message can quote the very data being erased.
    get stacked diagnostics v_state = returned_sqlstate;
    update sealog.deletion_requests
       set status = 'failed',
           failed_at = p_now,
           error_code = v_state
     where request_id = p_request_id
       and status = 'pending';
    raise log 'sealog: erasure of deletion request % failed with SQLSTATE %', p_request_id, v_state;
  end;
  return (select r.status from sealog.deletion_requests r where r.request_id = p_request_id);
end
$$;
comment on function sealog.run_erasure(uuid, timestamptz) is 'Runs one request''s erasure in a subtransaction: completed, or failed with its SQLSTATE and nothing applied. Returns the request''s status.';

create function sealog.run_due_erasures(p_now timestamptz default now(), p_limit integer default 100)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_request_id uuid;
  v_completed integer := 0;
begin
  -- skip locked: a request being erased right now (its grace just ended) is left to that run.
  for v_request_id in
    select r.request_id
      from sealog.deletion_requests r
     where r.status = 'pending'
       and r.scheduled_for <= p_now
     order by r.scheduled_for, r.request_id
     limit p_limit
       for update skip locked
  loop
    if sealog.run_erasure(v_request_id, p_now) = 'completed' then
      v_completed := v_completed + 1;
    end if;
  end loop;
  return v_completed;
end
$$;
comment on function sealog.run_due_erasures(timestamptz, integer) is 'Erases the subjects of up to p_limit pending requests whose grace period has ended, each all or nothing; returns how many completed. Run by pg_cron every minute.';

/** Section - Recording and cancelling a request */

create function sealog.request_erasure(
  p_requested_by text,
  p_tenant_id uuid,
  p_subject_kind text,
  p_subject_hash bytea,
  p_user_id uuid,
  p_email text,
  p_end_user_id text,
  p_email_pseudonyms bytea[],
  p_grace interval,
  p_now timestamptz default now()
)
returns sealog.deletion_requests
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_request sealog.deletion_requests;
  v_email text := lower(p_email);
  v_user_id uuid := p_user_id;
begin
  -- An address that belongs to an account names that account, too.
  if p_subject_kind = 'email' then
    select u.id into v_user_id
      from auth.users u
     where lower(u.email) = v_email
     order by u.created_at
     limit 1;
  end if;

  -- A second request for the same subject while one is pending returns the pending one,
  -- whether it named the person by the same hash or by their account.
  select r.* into v_request
    from sealog.deletion_requests r
   where r.status = 'pending'
     and (
       (r.subject_hash = p_subject_hash and r.tenant_id is not distinct from p_tenant_id)
       or (v_user_id is not null and r.subject_kind <> 'end_user' and exists (
             select 1 from sealog.deletion_request_subjects s
              where s.request_id = r.request_id and s.user_id = v_user_id))
     )
   order by r.requested_at
   limit 1;
  if found then
    return v_request;
  end if;

  insert into sealog.deletion_requests as r (
    requested_by, tenant_id, subject_kind, subject_hash, requested_at, scheduled_for
  )
  values (p_requested_by, p_tenant_id, p_subject_kind, p_subject_hash, p_now, p_now + p_grace)
  on conflict (subject_hash, tenant_id) where status = 'pending' do nothing
  returning r.* into v_request;
  if not found then
    -- A concurrent request for the same subject won the race: answer with it.
    select r.* into v_request
      from sealog.deletion_requests r
     where r.status = 'pending'
       and r.subject_hash = p_subject_hash
       and r.tenant_id is not distinct from p_tenant_id;
    return v_request;
  end if;

  insert into sealog.deletion_request_subjects (request_id, user_id, email, end_user_id, email_pseudonyms)
  values (v_request.request_id, v_user_id, v_email, p_end_user_id, coalesce(p_email_pseudonyms, '{}'));

  if p_grace <= interval '0' then
    perform sealog.run_erasure(v_request.request_id, p_now);
    select r.* into v_request from sealog.deletion_requests r where r.request_id = v_request.request_id;
  end if;
  return v_request;
end
$$;
comment on function sealog.request_erasure(text, uuid, text, bytea, uuid, text, text, bytea[], interval, timestamptz) is 'Records a deletion request (or returns the pending one for the same subject) due after p_grace, and erases at once when p_grace is 0.';

create function sealog.cancel_erasure(p_request_id uuid, p_now timestamptz default now())
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_status text;
  v_scheduled_for timestamptz;
begin
  select r.status, r.scheduled_for into v_status, v_scheduled_for
    from sealog.deletion_requests r
   where r.request_id = p_request_id
     for update;
  if v_status = 'pending' and p_now < v_scheduled_for then
    update sealog.deletion_requests
       set status = 'cancelled', cancelled_at = p_now
     where request_id = p_request_id;
    -- Nobody is erased, so nobody needs to be remembered.
    delete from sealog.deletion_request_subjects where request_id = p_request_id;
    v_status := 'cancelled';
  end if;
  return v_status;
end
$$;
comment on function sealog.cancel_erasure(uuid, timestamptz) is 'Cancels a pending request still in its grace period (before scheduled_for); returns the request''s status afterwards: cancelled when it is (or already was) cancelled.';

/** Section - Grants: owner only (the API functions and pg_cron run as the owner) */

revoke all on function sealog.erase_subject(uuid, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog.run_erasure(uuid, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog.run_due_erasures(timestamptz, integer) from public, anon, authenticated, service_role;
revoke all on function sealog.request_erasure(text, uuid, text, bytea, uuid, text, text, bytea[], interval, timestamptz) from public, anon, authenticated, service_role;
revoke all on function sealog.cancel_erasure(uuid, timestamptz) from public, anon, authenticated, service_role;

/** Section - Schedule */

-- Every minute, UTC. cron.schedule upserts by name, so re-running this is harmless.
select cron.schedule('sealog-erasure', '* * * * *', 'select sealog.run_due_erasures()');
