/**
 * The erasure covers auth events (sealog.auth_events, from the auth-events function).
 * An auth event is kept for the one-year audit trail, but a deletion request clears what
 * identifies its subject: user_id, user_pseudonym (the keyed hash of an address given as a
 * user id), ip and user_agent. A platform user's rows are found by their id in every tenant
 * and by the pseudonyms of the addresses the Edge Function knew them by; a tenant's end
 * user's rows by their id or pseudonym, in that tenant only.
 *
 * sealog.erase_subject is replaced as a whole: the same steps as before, with this one added
 * after session state (and before the auth.users row goes, which stays last).
 */

create or replace function sealog.erase_subject(p_request_id uuid, p_now timestamptz default now())
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
        from public.user_agent_subscriptions s
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
    delete from public.user_agent_subscriptions s
     where s.user_id = v_user_id;
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('public.user_agent_subscriptions', v_count);
    update public.user_agent_subscriptions s
       set billing_email = null
     where lower(s.billing_email) = any (v_emails);
    get diagnostics v_count = row_count;
    v_anonymised := v_anonymised || jsonb_build_object('public.user_agent_subscriptions', v_count);

    -- A waitlist row is an address waiting for a launch: it goes whoever added it.
    delete from public.agent_waitlist w
     where w.user_id = v_user_id or lower(w.email) = any (v_emails);
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('public.agent_waitlist', v_count);

    delete from public.interactions i
     where i.user_id = v_user_id
        or (i.user_id is null and lower(i.email) = any (v_emails));
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('public.interactions', v_count);
    update public.interactions i
       set email = null
     where lower(i.email) = any (v_emails);
    get diagnostics v_count = row_count;
    v_anonymised := v_anonymised || jsonb_build_object('public.interactions', v_count);

    delete from public.profiles p
     where p.id = v_user_id;
    get diagnostics v_count = row_count;
    v_deleted := v_deleted || jsonb_build_object('public.profiles', v_count);

    update public.reviews r
       set user_id = null
     where r.user_id = v_user_id;
    get diagnostics v_count = row_count;
    v_anonymised := v_anonymised || jsonb_build_object('public.reviews', v_count);

    update sealog.api_access_log l
       set user_id = null, client_ip = null, user_agent = null
     where l.user_id = v_user_id;
    get diagnostics v_count = row_count;
    v_anonymised := v_anonymised || jsonb_build_object('sealog.api_access_log', v_count);
  end if;

  update sealog.llm_request_logs l
     set end_user_id = null
   where l.tenant_id = any (v_tenant_ids)
     and l.end_user_id = any (v_end_user_ids);
  get diagnostics v_count = row_count;
  v_anonymised := v_anonymised || jsonb_build_object('sealog.llm_request_logs', v_count);

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
