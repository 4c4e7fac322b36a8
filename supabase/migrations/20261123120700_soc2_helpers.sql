/**
 * SOC 2 CC6.1 evidence: the helpers every control uses.
 *
 * A control is one JSON section with its evidence and findings; it passes when it has no
 * finding. Evidence is catalog metadata, counts, and tenant/key ids and prefixes: never a row
 * value that could be personal data (no user id, end-user id, IP, user agent, email or tenant
 * name), and never pg_cron's return_message, which can quote row values. Each control has a
 * migration of its own (…120701 to …120707); the report that gathers them is …120708.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function sealog.soc2_control(p_id text, p_title text, p_findings jsonb, p_evidence jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_id,
    'title', p_title,
    'status', case when jsonb_array_length(coalesce(p_findings, '[]')) = 0 then 'pass' else 'fail' end,
    'findings', coalesce(p_findings, '[]'),
    'evidence', p_evidence
  )
$$;
comment on function sealog.soc2_control(text, text, jsonb, jsonb) is 'Builds one control section of a report; status is pass when there is no finding.';

create function sealog.soc2_finding(p_code text, p_object text, p_detail text)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('code', p_code, 'object', p_object, 'detail', p_detail)
$$;
comment on function sealog.soc2_finding(text, text, text) is 'Builds one finding: a stable code, the object concerned and a sentence.';

create function sealog.oldest_row_at(p_table regclass, p_column text)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  v_oldest timestamptz;
  v_partition text;
  v_found timestamptz;
begin
  if not exists (select 1 from pg_catalog.pg_partitioned_table where partrelid = p_table) then
    execute format('select min(%I) from %s', p_column, p_table) into v_oldest;
    return v_oldest;
  end if;
  -- Partitioned by day: the default partition can hold any day; otherwise the oldest
  -- non-empty partition holds the oldest row, so only it is read. The bounds are read with no
  -- relation (pg_get_expr(..., 0)), which would otherwise lock every partition, read or not.
  -- Each day by the name it has now: a purge may detach (and rename) or drop one before it is
  -- read, and then it holds no row of the table any more.
  for v_partition in
    select format('%I.%I', n.nspname, c.relname)
      from pg_catalog.pg_inherits i
      join pg_catalog.pg_class c on c.oid = i.inhrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where i.inhparent = p_table
     order by pg_catalog.pg_get_expr(c.relpartbound, 0) <> 'DEFAULT',
              substring(pg_catalog.pg_get_expr(c.relpartbound, 0) from 'FROM \(''([^'']+)''\)')::timestamptz
  loop
    begin
      execute format('select min(%I) from %s', p_column, v_partition) into v_found;
    exception when undefined_table then
      continue;
    end;
    v_oldest := least(v_oldest, v_found);
    exit when v_found is not null and v_partition not like '%\_default';
  end loop;
  return v_oldest;
end
$$;
comment on function sealog.oldest_row_at(regclass, text) is 'The oldest value of a time column in a table; for a partitioned table it reads the default partition and the oldest non-empty partition only.';

create function sealog.role_names(p_acl aclitem[], p_owner oid, p_privilege text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(distinct case when a.grantee = 0 then 'public' else pg_catalog.pg_get_userbyid(a.grantee)::text end), '[]')
    from pg_catalog.aclexplode(p_acl) a
   where a.privilege_type = p_privilege
     and a.grantee <> p_owner
$$;
comment on function sealog.role_names(aclitem[], oid, text) is 'The roles other than the owner that an ACL grants a privilege to (public for PUBLIC), as a sorted JSON array.';

-- Owner (postgres) only.
revoke all on function sealog.soc2_control(text, text, jsonb, jsonb) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.soc2_finding(text, text, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.oldest_row_at(regclass, text) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.role_names(aclitem[], oid, text) from public, anon, authenticated, service_role, sealog_edge;
