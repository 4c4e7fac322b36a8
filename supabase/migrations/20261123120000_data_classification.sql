/**
 * Data classification: the one format of every table and column comment, and its parser.
 *
 *   '<LEVEL>; pii=<kind>; retention=<category>. <description>'
 *
 * LEVEL is PUBLIC, INTERNAL, CONFIDENTIAL or RESTRICTED; kind is a personal-data kind from
 * the vocabulary below (tables say none or personal); category names a row of
 * sealog.retention_policies. docs/data-classification.md documents the format; the pgTAP
 * tests and sealog_admin.data_inventory read it only through sealog.parse_classification.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

/** Section - Types */

create type sealog.classification as (
  level text,
  pii text,
  retention text,
  description text
);
comment on type sealog.classification is 'A parsed classification comment: sensitivity level, personal-data kind, retention category and description.';

/** Section - Parser */

create function sealog.parse_classification(p_comment text)
returns sealog.classification
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  v_parts text[];
begin
  -- This one regular expression is the format's definition.
  v_parts := regexp_match(
    p_comment,
    '^(PUBLIC|INTERNAL|CONFIDENTIAL|RESTRICTED); '
    || 'pii=(none|personal|identifier|pseudonymous|contact|profile|network|device|location|financial|credential|content|special); '
    || 'retention=([a-z][a-z0-9_]{0,62})\. (\S.*)$');
  if v_parts is null then
    return null;
  end if;
  return (v_parts[1], v_parts[2], v_parts[3], v_parts[4])::sealog.classification;
end
$$;
comment on function sealog.parse_classification(text) is 'Parses a classification comment ''<LEVEL>; pii=<kind>; retention=<category>. <description>''; null when it does not follow the format.';

create function sealog.classification_rank(p_level text)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  select array_position(array['PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED'], p_level)
$$;
comment on function sealog.classification_rank(text) is 'Orders sensitivity levels: PUBLIC 1, INTERNAL 2, CONFIDENTIAL 3, RESTRICTED 4; null for anything else.';

/** Section - Scope: which schemas hold the application's data */

create function sealog.is_application_schema(p_schema name)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- Everything except PostgreSQL's and the Supabase platform's own schemas, so that a new
  -- schema of ours is classified, inventoried and reported without anyone listing it.
  select p_schema !~ '^pg_'
     and p_schema not in (
       'information_schema', 'extensions', 'cron', 'auth', 'storage', 'realtime', '_realtime',
       'graphql', 'graphql_public', 'vault', 'pgsodium', 'pgsodium_masks', 'net', 'pgbouncer',
       'supabase_functions', 'supabase_migrations', '_analytics', 'pgtle', 'topology', 'tiger',
       'tiger_data'
     )
$$;
comment on function sealog.is_application_schema(name) is 'True for schemas that hold Sealog''s data (public and sealog*), false for PostgreSQL''s and the Supabase platform''s own schemas.';

revoke all on function sealog.parse_classification(text) from public, anon, authenticated, service_role;
revoke all on function sealog.classification_rank(text) from public, anon, authenticated, service_role;
revoke all on function sealog.is_application_schema(name) from public, anon, authenticated, service_role;
