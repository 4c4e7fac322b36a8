/**
 * The Edge Functions' database roles.
 * sealog_edge holds the privileges: it may execute the sealog_api functions and nothing else
 * (no table privileges at all). sealog_functions is the login the functions connect with,
 * through the transaction pooler: a member of sealog_edge and of nothing else, so `reset role`
 * or `set role postgres` on its connection reaches nothing more. Its timeouts live on the role,
 * because poolers drop startup parameters (Supavisor keeps only user, database,
 * application_name and a few options); PostgreSQL applies role settings at login.
 * No migration holds its password: the operator sets it once (deno task db-password).
 */
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'sealog_edge') then
    create role sealog_edge nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'sealog_functions') then
    -- No password until the operator sets one: it cannot log in before then.
    create role sealog_functions login inherit nosuperuser nocreatedb nocreaterole nobypassrls noreplication connection limit 40;
  end if;
end
$$;
comment on role sealog_edge is 'Sealog Edge Functions'' privileges: may execute sealog_api functions only; no table privileges.';
comment on role sealog_functions is 'Sealog Edge Functions'' login (through the pooler): member of sealog_edge only; timeouts set on the role; password set by the operator, never in a migration.';

grant sealog_edge to sealog_functions;
-- The migration owner may act as sealog_edge in tests and in the SOC 2 evidence; it never
-- becomes a member of anything more powerful through this.
grant sealog_edge to postgres;
grant usage on schema sealog_api to sealog_edge;

-- Server-side limits, applied at login whatever the pooler forwards. The lock wait ends
-- before the statement timeout, so a contended lock is reported as such (55P03).
alter role sealog_functions set statement_timeout = '5s';
alter role sealog_functions set lock_timeout = '4s';
alter role sealog_functions set idle_in_transaction_session_timeout = '10s';
