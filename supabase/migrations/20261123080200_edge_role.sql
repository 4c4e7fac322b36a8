/**
 * The Edge Functions' database role.
 * Functions connect with SUPABASE_DB_URL and switch to this role at connection start
 * (startup parameter `role`), so a compromised function can execute the sealog_api
 * functions and nothing else: it holds no table privileges at all.
 */
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'sealog_edge') then
    create role sealog_edge nologin noinherit;
  end if;
end
$$;
comment on role sealog_edge is 'Sealog Edge Functions: may execute sealog_api functions only; no table privileges.';

-- The connecting user (postgres) must be a member to switch to it.
grant sealog_edge to postgres;
grant usage on schema sealog_api to sealog_edge;
