-- Content is never stored: telemetry and session state have no json, binary or unbounded
-- text column, and no column named after content.
begin;
select plan(2);

select is_empty(
  $$
  select format('%s.%s (%s)', c.table_name, c.column_name, coalesce(c.domain_name, c.data_type))
    from information_schema.columns c
   where c.table_schema = 'sealog'
     and c.table_name in ('llm_request_logs', 'session_state')
     and (
       c.data_type in ('json', 'jsonb', 'bytea', 'xml')
       or (c.data_type in ('text', 'character varying', 'ARRAY') and c.domain_name is null
           and c.udt_name not in ('_risk_tag')
           and not exists (
             select 1
               from pg_constraint k
              where k.conrelid = format('sealog.%I', c.table_name)::regclass
                and k.contype = 'c'
                and pg_get_constraintdef(k.oid) like '%' || c.column_name || '%'))
     )
  $$,
  'every text column of telemetry and session state is bounded by a domain or a check'
);

select is_empty(
  $$
  select format('%s.%s', table_name, column_name)
    from information_schema.columns
   where table_schema = 'sealog'
     and column_name ~ '(prompt|message|content|completion|response|transcript|body|payload)'
  $$,
  'no sealog column is named after content'
);

select * from finish();
rollback;
