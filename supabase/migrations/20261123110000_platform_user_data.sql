/**
 * The platform's user data, done the Supabase way.
 * Identity is auth.users (Supabase Auth owns it, with its sessions and identities). The
 * platform's own tables live in public, prefixed sealog_ so that `supabase db push` never
 * collides with a project's own profiles or reviews (they stay reachable through the Data
 * API with no change to the exposed schemas, which a separate schema would need), behind RLS: a signed-in user reaches only their own
 * rows through the Data API, reviews are public, and writes that belong to the platform
 * (billing, fan-out) are made with the service role. Every foreign key is indexed, and
 * every column is classified: deletion requests (sealog.erase_subject) erase all of it.
 *
 * Foreign keys to auth.users say what happens to a row when its user goes:
 *   profiles, waitlist, interactions  cascade (they mean nothing without the user);
 *   reviews                           set null (a review stays, anonymised);
 *   subscriptions                     restrict (never vanish without a Stripe cancellation
 *                                     task: the erasure deletes them itself, first).
 */

/** Section - Profiles */

create table public.sealog_profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text check (char_length(display_name) between 1 and 100),
  avatar_url text check (char_length(avatar_url) <= 2048 and avatar_url ~ '^https://'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.sealog_profiles is 'CONFIDENTIAL; pii=personal; retention=user_data. One profile per platform user: name and image.';
comment on column public.sealog_profiles.id is 'CONFIDENTIAL; pii=identifier; retention=user_data. The user (auth.users.id).';
comment on column public.sealog_profiles.display_name is 'CONFIDENTIAL; pii=identifier; retention=user_data. Name the user chose to show.';
comment on column public.sealog_profiles.avatar_url is 'CONFIDENTIAL; pii=identifier; retention=user_data. URL of the user''s profile image.';
comment on column public.sealog_profiles.created_at is 'INTERNAL; pii=none; retention=user_data. When the profile was created.';
comment on column public.sealog_profiles.updated_at is 'INTERNAL; pii=none; retention=user_data. When the profile was last changed.';

alter table public.sealog_profiles enable row level security;
revoke all on table public.sealog_profiles from public, anon, authenticated, service_role;
grant select, insert (id, display_name, avatar_url), update (display_name, avatar_url, updated_at)
  on table public.sealog_profiles to authenticated;
grant select, insert, update, delete on table public.sealog_profiles to service_role;
-- A signed-in user reads their own profile.
create policy sealog_profiles_select_policy on public.sealog_profiles
  for select to authenticated using (id = (select auth.uid()));
-- A signed-in user creates their own profile.
create policy sealog_profiles_insert_policy on public.sealog_profiles
  for insert to authenticated with check (id = (select auth.uid()));
-- A signed-in user changes their own profile; deleting it is a deletion request.
create policy sealog_profiles_update_policy on public.sealog_profiles
  for update to authenticated using (id = (select auth.uid())) with check (id = (select auth.uid()));

/** Section - Subscriptions (billing metadata, written by the platform's Stripe webhook) */

create table public.sealog_user_agent_subscriptions (
  subscription_id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete restrict,
  agent_id uuid not null,
  status text not null check (status in ('trialing', 'active', 'past_due', 'canceled')),
  billing_email text check (char_length(billing_email) <= 320 and billing_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  stripe_customer_id text check (stripe_customer_id ~ '^cus_[A-Za-z0-9]{1,64}$'),
  stripe_subscription_id text unique check (stripe_subscription_id ~ '^sub_[A-Za-z0-9]{1,64}$'),
  current_period_end timestamptz,
  created_at timestamptz not null default now(),
  unique (user_id, agent_id)
);
create index sealog_user_agent_subscriptions_billing_email_idx on public.sealog_user_agent_subscriptions (lower(billing_email))
  where billing_email is not null;
comment on table public.sealog_user_agent_subscriptions is 'CONFIDENTIAL; pii=personal; retention=user_data. A user''s paid subscription to an agent, with its Stripe ids.';
comment on column public.sealog_user_agent_subscriptions.subscription_id is 'INTERNAL; pii=none; retention=user_data. Row id.';
comment on column public.sealog_user_agent_subscriptions.user_id is 'CONFIDENTIAL; pii=identifier; retention=user_data. Subscriber (auth.users.id); the unique (user_id, agent_id) index serves the foreign key.';
comment on column public.sealog_user_agent_subscriptions.agent_id is 'INTERNAL; pii=none; retention=user_data. Agent subscribed to, in the platform''s catalogue.';
comment on column public.sealog_user_agent_subscriptions.status is 'INTERNAL; pii=none; retention=user_data. Stripe subscription status.';
comment on column public.sealog_user_agent_subscriptions.billing_email is 'CONFIDENTIAL; pii=contact; retention=user_data. Address invoices go to, when it differs from the account''s.';
comment on column public.sealog_user_agent_subscriptions.stripe_customer_id is 'CONFIDENTIAL; pii=financial; retention=user_data. Stripe customer id (cus_...).';
comment on column public.sealog_user_agent_subscriptions.stripe_subscription_id is 'CONFIDENTIAL; pii=financial; retention=user_data. Stripe subscription id (sub_...).';
comment on column public.sealog_user_agent_subscriptions.current_period_end is 'INTERNAL; pii=none; retention=user_data. End of the paid period.';
comment on column public.sealog_user_agent_subscriptions.created_at is 'INTERNAL; pii=none; retention=user_data. When the subscription started.';

alter table public.sealog_user_agent_subscriptions enable row level security;
revoke all on table public.sealog_user_agent_subscriptions from public, anon, authenticated, service_role;
grant select on table public.sealog_user_agent_subscriptions to authenticated;
grant select, insert, update, delete on table public.sealog_user_agent_subscriptions to service_role;
-- A signed-in user reads their own subscriptions; only the service role writes them.
create policy sealog_user_agent_subscriptions_select_policy on public.sealog_user_agent_subscriptions
  for select to authenticated using (user_id = (select auth.uid()));

/** Section - Reviews (public) */

create table public.sealog_reviews (
  review_id uuid primary key default gen_random_uuid(),
  agent_id uuid not null,
  user_id uuid references auth.users (id) on delete set null,
  rating smallint not null check (rating between 1 and 5),
  body text check (char_length(body) <= 4000),
  created_at timestamptz not null default now()
);
create index sealog_reviews_agent_id_created_at_idx on public.sealog_reviews (agent_id, created_at);
create index sealog_reviews_user_id_idx on public.sealog_reviews (user_id) where user_id is not null;
comment on table public.sealog_reviews is 'PUBLIC; pii=personal; retention=user_data. Public reviews of agents; erasure keeps the review and removes its author.';
comment on column public.sealog_reviews.review_id is 'PUBLIC; pii=none; retention=user_data. Row id.';
comment on column public.sealog_reviews.agent_id is 'PUBLIC; pii=none; retention=user_data. Agent reviewed.';
comment on column public.sealog_reviews.user_id is 'CONFIDENTIAL; pii=identifier; retention=user_data. Author (auth.users.id); null once the author is erased. Not readable by anon.';
comment on column public.sealog_reviews.rating is 'PUBLIC; pii=none; retention=user_data. 1 to 5 stars.';
comment on column public.sealog_reviews.body is 'PUBLIC; pii=none; retention=user_data. Review text, published by its author.';
comment on column public.sealog_reviews.created_at is 'PUBLIC; pii=none; retention=user_data. When the review was posted.';

alter table public.sealog_reviews enable row level security;
revoke all on table public.sealog_reviews from public, anon, authenticated, service_role;
-- anon reads reviews without their author; signed-in users also see user_id, to find their own.
grant select (review_id, agent_id, rating, body, created_at) on table public.sealog_reviews to anon;
grant select, insert (agent_id, user_id, rating, body), update (rating, body), delete
  on table public.sealog_reviews to authenticated;
grant select, insert, update, delete on table public.sealog_reviews to service_role;
-- Everyone, signed in or not, reads every review.
create policy sealog_reviews_select_policy on public.sealog_reviews
  for select to anon, authenticated using (true);
-- A signed-in user posts reviews as themselves.
create policy sealog_reviews_insert_policy on public.sealog_reviews
  for insert to authenticated with check (user_id = (select auth.uid()));
-- A signed-in user edits their own reviews.
create policy sealog_reviews_update_policy on public.sealog_reviews
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
-- A signed-in user deletes their own reviews.
create policy sealog_reviews_delete_policy on public.sealog_reviews
  for delete to authenticated using (user_id = (select auth.uid()));

/** Section - Agent waitlist */

create table public.sealog_agent_waitlist (
  waitlist_id uuid primary key default gen_random_uuid(),
  agent_id uuid not null,
  email text not null check (char_length(email) <= 320 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  user_id uuid references auth.users (id) on delete cascade,
  created_at timestamptz not null default now()
);
create unique index sealog_agent_waitlist_agent_id_email_key on public.sealog_agent_waitlist (agent_id, lower(email));
create index sealog_agent_waitlist_email_idx on public.sealog_agent_waitlist (lower(email));
create index sealog_agent_waitlist_user_id_idx on public.sealog_agent_waitlist (user_id) where user_id is not null;
comment on table public.sealog_agent_waitlist is 'CONFIDENTIAL; pii=personal; retention=user_data. People waiting for an agent to launch, by email; signed-in or not.';
comment on column public.sealog_agent_waitlist.waitlist_id is 'INTERNAL; pii=none; retention=user_data. Row id.';
comment on column public.sealog_agent_waitlist.agent_id is 'INTERNAL; pii=none; retention=user_data. Agent waited for.';
comment on column public.sealog_agent_waitlist.email is 'CONFIDENTIAL; pii=contact; retention=user_data. Address to notify at launch.';
comment on column public.sealog_agent_waitlist.user_id is 'CONFIDENTIAL; pii=identifier; retention=user_data. The signed-in user who joined, if any.';
comment on column public.sealog_agent_waitlist.created_at is 'INTERNAL; pii=none; retention=user_data. When they joined.';

alter table public.sealog_agent_waitlist enable row level security;
revoke all on table public.sealog_agent_waitlist from public, anon, authenticated, service_role;
grant select, insert (agent_id, email, user_id), delete on table public.sealog_agent_waitlist to authenticated;
grant select, insert, update, delete on table public.sealog_agent_waitlist to service_role;
-- A signed-in user sees their own waitlist entries.
create policy sealog_agent_waitlist_select_policy on public.sealog_agent_waitlist
  for select to authenticated using (user_id = (select auth.uid()));
-- A signed-in user joins a waitlist as themselves.
create policy sealog_agent_waitlist_insert_policy on public.sealog_agent_waitlist
  for insert to authenticated with check (user_id = (select auth.uid()));
-- A signed-in user leaves a waitlist.
create policy sealog_agent_waitlist_delete_policy on public.sealog_agent_waitlist
  for delete to authenticated using (user_id = (select auth.uid()));

/** Section - Interactions (notification fan-out) */

create table public.sealog_interactions (
  interaction_id uuid primary key default gen_random_uuid(),
  user_id uuid references auth.users (id) on delete cascade,
  agent_id uuid not null,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{0,63}$'),
  email text check (char_length(email) <= 320 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  created_at timestamptz not null default now()
);
create index sealog_interactions_user_id_created_at_idx on public.sealog_interactions (user_id, created_at);
create index sealog_interactions_email_idx on public.sealog_interactions (lower(email)) where email is not null;
comment on table public.sealog_interactions is 'CONFIDENTIAL; pii=personal; retention=user_data. A user''s interactions with agents, with the address notifications fan out to.';
comment on column public.sealog_interactions.interaction_id is 'INTERNAL; pii=none; retention=user_data. Row id.';
comment on column public.sealog_interactions.user_id is 'CONFIDENTIAL; pii=identifier; retention=user_data. The user (auth.users.id).';
comment on column public.sealog_interactions.agent_id is 'INTERNAL; pii=none; retention=user_data. Agent interacted with.';
comment on column public.sealog_interactions.kind is 'INTERNAL; pii=none; retention=user_data. What happened, e.g. run_started, mention.';
comment on column public.sealog_interactions.email is 'CONFIDENTIAL; pii=contact; retention=user_data. Address the notification goes to.';
comment on column public.sealog_interactions.created_at is 'INTERNAL; pii=none; retention=user_data. When it happened.';

alter table public.sealog_interactions enable row level security;
revoke all on table public.sealog_interactions from public, anon, authenticated, service_role;
grant select on table public.sealog_interactions to authenticated;
grant select, insert, update, delete on table public.sealog_interactions to service_role;
-- A signed-in user reads their own interactions; only the service role writes them.
create policy sealog_interactions_select_policy on public.sealog_interactions
  for select to authenticated using (user_id = (select auth.uid()));
