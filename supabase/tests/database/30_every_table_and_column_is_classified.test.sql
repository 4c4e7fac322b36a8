-- Every table and column of the application schemas carries a classification comment in the
-- documented format ('<LEVEL>; pii=<kind>; retention=<category>. <description>'), read
-- through sealog_admin.data_inventory, so a new table is covered the moment it exists.
-- Partitions carry their own table comment; their columns are the parent's.
begin;
select plan(11);

select is_empty(
  $$select format('%I.%I', schema_name, table_name) from sealog_admin.data_inventory
     where column_name is null and not classified$$,
  'every table and partition has a classification comment in the documented format'
);

select is_empty(
  $$select format('%I.%I.%I', schema_name, table_name, column_name) from sealog_admin.data_inventory
     where column_name is not null and not classified$$,
  'every column has a classification comment in the documented format'
);

select is_empty(
  $$select format('%I.%I.%I: %s', schema_name, table_name, column_name, pii) from sealog_admin.data_inventory
     where (column_name is null and pii not in ('none', 'personal'))
        or (column_name is not null and pii = 'personal')$$,
  'tables say pii=none or pii=personal; columns name a personal-data kind'
);

select is_empty(
  $$with t as (
      select schema_name, table_name, pii from sealog_admin.data_inventory
       where column_name is null and object_kind <> 'partition' and classified),
    c as (
      select schema_name, table_name, bool_or(pii <> 'none') as personal from sealog_admin.data_inventory
       where column_name is not null and classified group by 1, 2)
    select format('%I.%I', t.schema_name, t.table_name)
      from t join c using (schema_name, table_name)
     where (t.pii = 'personal') <> c.personal$$,
  'a table is pii=personal exactly when one of its columns holds personal data'
);

select is_empty(
  $$select format('%I.%I.%I', c.schema_name, c.table_name, c.column_name)
      from sealog_admin.data_inventory c
      join sealog_admin.data_inventory t
        on t.schema_name = c.schema_name and t.table_name = c.table_name and t.column_name is null
     where c.column_name is not null and c.retention_category <> t.retention_category$$,
  'every column has its table''s retention category (a column cannot outlive its row)'
);

select is_empty(
  $$select format('%I.%I', p.schema_name, p.table_name)
      from sealog_admin.data_inventory p
      join sealog_admin.data_inventory parent
        on format('%I.%I', parent.schema_name, parent.table_name) = p.partition_of and parent.column_name is null
     where p.object_kind = 'partition'
       and (p.classification, p.pii, p.retention_category)
           is distinct from (parent.classification, parent.pii, parent.retention_category)$$,
  'partitions carry their parent''s classification, and inherit its column classification'
);

select is(
  sealog.parse_classification('CONFIDENTIAL; pii=network; retention=api_access_logs. Client IP.'),
  row('CONFIDENTIAL', 'network', 'api_access_logs', 'Client IP.')::sealog.classification,
  'the parser splits a well-formed comment into level, pii kind, retention category and description'
);

select ok(
  sealog.parse_classification('confidential; pii=network; retention=api_access_logs. Client IP.') is null
  and sealog.parse_classification('CONFIDENTIAL; pii=ip; retention=api_access_logs. Client IP.') is null
  and sealog.parse_classification('CONFIDENTIAL; retention=api_access_logs. Client IP.') is null
  and sealog.parse_classification('CONFIDENTIAL; pii=network; retention=api_access_logs.') is null
  and sealog.parse_classification('SECRET; pii=none; retention=account. A secret.') is null
  and sealog.parse_classification(null) is null,
  'the parser refuses a wrong level, an unknown pii kind, a missing part or an empty description'
);

-- A table created without comments is reported at once, columns included.
create table public.classification_probe (id bigint, note text);
select is(
  (select count(*)::int from sealog_admin.data_inventory
    where schema_name = 'public' and table_name = 'classification_probe' and not classified),
  3,
  'a new table without comments appears in the inventory as unclassified, with its columns'
);

comment on table public.classification_probe is 'INTERNAL; pii=none; retention=configuration. A probe.';
select is(
  (select purge_method from sealog_admin.data_inventory
    where schema_name = 'public' and table_name = 'classification_probe' and column_name is null),
  'none',
  'the inventory joins a classified table to its retention policy'
);

select is(
  (select purge_schedule from sealog_admin.data_inventory
    where schema_name = 'sealog' and table_name = 'api_access_log' and column_name = 'client_ip'),
  '20 * * * *',
  'the inventory names the pg_cron schedule that purges a column''s rows'
);

select * from finish();
rollback;
