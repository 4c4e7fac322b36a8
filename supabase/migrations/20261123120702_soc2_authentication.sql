/**
 * SOC 2 CC6.1 control: the authentication mechanism (API keys as digests, expiry and rotation).
 *
 * Rotation age of API keys: 90 days (a key older than that, still usable, is a finding); a
 * usable key never used 30 days after its issue is a finding too.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function sealog.soc2_authentication(p_now timestamptz, p_rotation_age interval)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with usable as (
    select k.key_id, k.tenant_id, k.display_prefix, k.created_at, k.last_used_at,
           extract(day from p_now - k.created_at)::integer as age_days
      from sealog.api_keys k
      join sealog.tenants t on t.tenant_id = k.tenant_id
     where k.revoked_at is null
       and (k.expires_at is null or k.expires_at > p_now)
       and t.disabled_at is null
  ),
  findings as (
    select sealog.soc2_finding('key_past_rotation_age', u.key_id::text,
                               format('usable key %s of tenant %s is %s days old (rotation age %s)',
                                      u.display_prefix, u.tenant_id, u.age_days, p_rotation_age)) as f
      from usable u
     where u.created_at <= p_now - p_rotation_age
    union all
    select sealog.soc2_finding('key_never_used', u.key_id::text,
                               format('usable key %s of tenant %s was issued %s days ago and never used',
                                      u.display_prefix, u.tenant_id, u.age_days))
      from usable u
     where u.last_used_at is null
       and u.created_at <= p_now - interval '30 days'
  )
  select sealog.soc2_control(
    'authentication_mechanism',
    'Authentication mechanism: API keys stored as digests, rotation and use',
    (select jsonb_agg(f order by f ->> 'code', f ->> 'object') from findings),
    jsonb_build_object(
      'mechanisms', jsonb_build_array(
        'Tenant API keys: bearer tokens of 256 random bits, stored only as SHA-256 digests and looked up by digest (sealog.resolve_credential)',
        'Static token map (SEALOG_TENANT_TOKEN_MAP): compared in constant time by the Edge Functions, outside the database',
        'Supabase Auth access tokens: verified by the Edge Functions against the project''s JWKS',
        'Supabase Auth hooks: Standard Webhooks signatures verified by the Edge Functions'),
      'key_storage', jsonb_build_object(
        'digest_column', (select format_type(a.atttypid, a.atttypmod) from pg_catalog.pg_attribute a
                           where a.attrelid = 'sealog.api_keys'::regclass and a.attname = 'key_digest'),
        'digest_length_checked', exists (
          select 1 from pg_catalog.pg_constraint c
           where c.conrelid = 'sealog.api_keys'::regclass
             and c.contype = 'c'
             and pg_catalog.pg_get_constraintdef(c.oid) like '%octet_length(key_digest) = 32%'),
        'digest_readable_by', sealog.role_names(
          (select a.attacl from pg_catalog.pg_attribute a
            where a.attrelid = 'sealog.api_keys'::regclass and a.attname = 'key_digest'),
          0, 'SELECT') || sealog.role_names(
          (select c.relacl from pg_catalog.pg_class c where c.oid = 'sealog.api_keys'::regclass),
          (select c.relowner from pg_catalog.pg_class c where c.oid = 'sealog.api_keys'::regclass), 'SELECT')),
      'rotation_age_days', extract(day from p_rotation_age)::integer,
      'api_keys', jsonb_build_object(
        'total', (select count(*) from sealog.api_keys),
        'usable', (select count(*) from usable),
        'revoked', (select count(*) from sealog.api_keys where revoked_at is not null),
        'expired', (select count(*) from sealog.api_keys where revoked_at is null and expires_at <= p_now),
        'with_expiry', (select count(*) from usable where key_id in (select key_id from sealog.api_keys where expires_at is not null)),
        'past_rotation_age', (select count(*) from usable where created_at <= p_now - p_rotation_age),
        'never_used', (select count(*) from usable where last_used_at is null),
        'used_in_last_30_days', (select count(*) from usable where last_used_at > p_now - interval '30 days'))
    )
  )
$$;
comment on function sealog.soc2_authentication(timestamptz, interval) is 'CC6.1 authentication mechanism: how credentials are stored and verified, key counts; findings for usable keys past their rotation age or never used 30 days after issue.';

-- Owner (postgres) only.
revoke all on function sealog.soc2_authentication(timestamptz, interval) from public, anon, authenticated, service_role, sealog_edge;
