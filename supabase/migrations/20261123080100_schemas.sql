/**
 * Schemas.
 * None of these is exposed to the Data API (config.toml exposes only public and graphql_public).
 *   sealog        private: tables, domains and internal helpers. Nobody but the owner uses it.
 *   sealog_api    the Edge Functions' surface: SECURITY DEFINER functions, one per operation.
 *   sealog_admin  the operators' surface: tenant and key management, reports.
 */
create schema if not exists sealog;
comment on schema sealog is 'INTERNAL; pii=personal; retention=account. Sealog''s private tables and helpers; reached only through sealog_api and sealog_admin functions.';
revoke all on schema sealog from public;
-- service_role reads tables through their explicit grants and service_role-only policies.
grant usage on schema sealog to service_role;

create schema if not exists sealog_api;
comment on schema sealog_api is 'INTERNAL; pii=none; retention=account. Functions the Edge Functions call, each authenticating, authorising, rate limiting and auditing in one round trip.';
revoke all on schema sealog_api from public;

create schema if not exists sealog_admin;
comment on schema sealog_admin is 'INTERNAL; pii=none; retention=account. Operator functions for tenants, API keys and compliance reports; executable by postgres only.';
revoke all on schema sealog_admin from public;

-- Functions are never executable by default; each one is granted explicitly.
alter default privileges in schema sealog revoke execute on functions from public;
alter default privileges in schema sealog_api revoke execute on functions from public;
alter default privileges in schema sealog_admin revoke execute on functions from public;
