/**
 * SOC 2 CC6.1 control: data classification (every table and column classified).
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function sealog.soc2_data_classification()
returns jsonb
language sql
stable
set search_path = ''
as $$
  with inventory as (
    select i.*, format('%I.%I', i.schema_name, i.table_name)
                  || coalesce('.' || quote_ident(i.column_name), '') as name
      from sealog_admin.data_inventory i
  ),
  findings as (
    select sealog.soc2_finding('unclassified', i.name,
                               'no classification comment in the documented format') as f
      from inventory i where not i.classified
    union all
    select distinct sealog.soc2_finding('category_without_policy', i.retention_category,
                                        'a retention category is used in comments but has no policy')
      from inventory i
     where i.classified and i.retention_period is null and i.purge_method is null
  )
  select sealog.soc2_control(
    'data_classification',
    'Data classification: every table and column carries a level, personal-data kind and retention category',
    (select jsonb_agg(f order by f ->> 'code', f ->> 'object') from findings),
    jsonb_build_object(
      'tables', (select count(*) from inventory where column_name is null and object_kind <> 'partition'),
      'tables_classified', (select count(*) from inventory where column_name is null and object_kind <> 'partition' and classified),
      'partitions', (select count(*) from inventory where object_kind = 'partition'),
      'partitions_classified', (select count(*) from inventory where object_kind = 'partition' and classified),
      'columns', (select count(*) from inventory where column_name is not null),
      'columns_classified', (select count(*) from inventory where column_name is not null and classified),
      'columns_by_level', (
        select coalesce(jsonb_object_agg(classification, n), '{}')
          from (select classification, count(*) as n from inventory
                 where column_name is not null and classified group by 1) s),
      'personal_data_columns', (
        select coalesce(jsonb_agg(jsonb_build_object('column', name, 'pii', pii, 'retention', retention_category) order by name), '[]')
          from inventory where column_name is not null and classified and pii <> 'none'),
      'categories', (
        select coalesce(jsonb_agg(distinct retention_category), '[]')
          from inventory where classified)
    )
  )
$$;
comment on function sealog.soc2_data_classification() is 'CC6.1 data classification: coverage of classification comments and the personal-data columns by kind; findings for unclassified objects and categories without a policy.';

-- Owner (postgres) only.
revoke all on function sealog.soc2_data_classification() from public, anon, authenticated, service_role, sealog_edge;
