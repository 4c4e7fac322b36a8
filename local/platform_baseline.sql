/**
 * Local-only platform baseline.
 *
 * What every hosted Supabase project already has before its first migration, written from
 * Supabase's documented behaviour so that local tests run against the same privileges as
 * production. Applied by scripts/lib.sh as the bootstrap superuser `supabase_admin`, before
 * `supabase db push`. Idempotent. Never part of supabase/migrations and never run on a
 * hosted project.
 */

/** Section - Roles */

-- The local password comes from scripts/lib.sh (psql -v db_password=...).
select set_config('sealog.db_password', :'db_password', false);

do $$
declare
  v_password text := current_setting('sealog.db_password');
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin login noinherit createrole;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'postgres') then
    create role postgres login;
  end if;
  -- As on hosted projects: `postgres` is powerful but not a superuser, so local tests
  -- cannot pass on privileges production lacks.
  -- REPLICATION too, as hosted (supabase/postgres migrations/db/init-scripts/00000000000000-initial-schema.sql).
  alter role postgres nosuperuser createdb createrole bypassrls replication login;
  execute format('alter role postgres password %L', v_password);
  execute format('alter role authenticator password %L', v_password);
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
alter role postgres set search_path = "$user", public, extensions;
alter role authenticator set statement_timeout = '8s';

/** Section - Database and schemas */

grant all on database postgres to postgres;
grant usage, create on schema public to postgres;
alter schema public owner to postgres;
-- PostgREST's exposed schemas, read by the Security Advisor's lints.
alter database postgres set pgrst.db_schemas = 'public, graphql_public';

create schema if not exists extensions;
alter schema extensions owner to postgres;
grant usage on schema extensions to anon, authenticated, service_role;

/** Section - Extensions that need a superuser (hosted projects allow them through supautils) */

create extension if not exists pg_cron with schema pg_catalog;
-- What hosted projects grant `postgres` on cron, and no more (supabase/postgres
-- ansible/files/postgresql_extension_custom_scripts/pg_cron/after-create.sql): cron.job is
-- read-only (jobs change through cron.schedule and cron.unschedule), the rest is granted.
grant usage on schema cron to postgres with grant option;
grant all on all functions in schema cron to postgres with grant option;
grant all privileges on all tables in schema cron to postgres with grant option;
grant all privileges on all sequences in schema cron to postgres with grant option;
revoke all on table cron.job from postgres;
grant select on table cron.job to postgres with grant option;
create extension if not exists pgtap with schema extensions;
create extension if not exists plpgsql_check with schema extensions;

/** Section - Auth: the parts of Supabase Auth's schema that projects build on */

create schema if not exists auth authorization supabase_auth_admin;
grant usage on schema auth to postgres, anon, authenticated, service_role;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  phone text unique,
  is_anonymous boolean not null default false,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  deleted_at timestamptz
);
create unique index if not exists users_email_partial_key on auth.users (email) where email is not null;

create table if not exists auth.identities (
  id uuid primary key default gen_random_uuid(),
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  last_sign_in_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  user_agent text,
  ip inet
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);

alter table auth.users owner to supabase_auth_admin;
alter table auth.identities owner to supabase_auth_admin;
alter table auth.sessions owner to supabase_auth_admin;
-- Supabase Auth grants its tables to postgres and service_role only; anon and authenticated
-- get usage on the schema (for auth.uid() and friends) and nothing on its tables
-- (supabase/postgres migrations/db/init-scripts/00000000000001-auth-schema.sql).
grant all on auth.users, auth.identities, auth.sessions to postgres, service_role;
revoke all on auth.users, auth.identities, auth.sessions from anon, authenticated;

-- The documented JWT helpers: they read the claims PostgREST puts in `request.jwt.claims`.
create or replace function auth.uid() returns uuid
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant execute on function auth.uid(), auth.role(), auth.jwt() to postgres, anon, authenticated, service_role;

/** Section - Defaults: since 2026 hosted projects grant nothing by default, not even to service_role */

alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke all on functions from public, anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke all on sequences from anon, authenticated, service_role;
