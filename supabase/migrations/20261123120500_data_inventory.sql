/**
 * The data inventory: a GDPR Art. 30-style record of processing, generated from the schema
 * itself. One row per table and per column of every application schema, with its
 * classification parsed from its comment, its retention policy and the pg_cron job that
 * enforces it. Nothing is maintained by hand: a new table appears the moment it exists.
 *
 * Partitions (the telemetry days) are listed as tables; their columns are the parent's and
 * are classified by the parent's column comments, so they are not repeated.
 *
 * It lives in sealog_admin, which the Data API does not expose, runs with the caller's
 * privileges (security_invoker) and is readable by postgres (the DBA role) only.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

/** Section - The application's tables */

create function sealog.application_tables()
returns table (relid oid, schema_name name, table_name name, object_kind text, partition_of text, is_partition boolean)
language sql
stable
set search_path = ''
as $$
  select c.oid,
         n.nspname,
         c.relname,
         case
           when c.relispartition then 'partition'
           when c.relkind = 'p' then 'partitioned table'
           when c.relkind = 'f' then 'foreign table'
           else 'table'
         end,
         (select pi.inhparent::regclass::text
            from pg_catalog.pg_inherits pi
           where pi.inhrelid = c.oid
             and c.relispartition),
         c.relispartition
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'f')
     and sealog.is_application_schema(n.nspname)
     -- Tables that an extension owns are the extension's business, not ours.
     and not exists (
       select 1
         from pg_catalog.pg_depend d
        where d.classid = 'pg_catalog.pg_class'::regclass
          and d.objid = c.oid
          and d.deptype = 'e')
$$;
comment on function sealog.application_tables() is 'Every table, partitioned table, partition and foreign table in the application schemas, except those owned by extensions.';
revoke all on function sealog.application_tables() from public, anon, authenticated, service_role, sealog_edge;

/** Section - The inventory */

create view sealog_admin.data_inventory
with (security_invoker = true)
as
with tables as (
  select t.relid as oid, t.schema_name, t.table_name, t.object_kind, t.partition_of,
         t.is_partition as relispartition
    from sealog.application_tables() t
),
objects as (
  select t.schema_name, t.table_name, null::name as column_name, 0::smallint as column_number,
         t.object_kind, t.partition_of,
         pg_catalog.obj_description(t.oid, 'pg_class') as comment
    from tables t
  union all
  select t.schema_name, t.table_name, a.attname, a.attnum,
         'column', null,
         pg_catalog.col_description(t.oid, a.attnum)
    from tables t
    join pg_catalog.pg_attribute a on a.attrelid = t.oid
   where a.attnum > 0
     and not a.attisdropped
     and not t.relispartition
)
select o.schema_name,
       o.table_name,
       o.column_name,
       o.column_number,
       o.object_kind,
       o.partition_of,
       cls.level as classification,
       cls.pii,
       cls.retention as retention_category,
       cls.description,
       cls.level is not null as classified,
       p.retention as retention_period,
       p.purge_method,
       p.purge_function,
       p.purge_job,
       j.schedule as purge_schedule,
       j.active as purge_job_active
  from objects o
  left join lateral sealog.parse_classification(o.comment) as cls on true
  left join sealog.retention_policies p on p.category = cls.retention
  left join cron.job j on j.jobname = p.purge_job;

comment on view sealog_admin.data_inventory is 'INTERNAL; pii=none; retention=configuration. Record of processing generated from the schema: every table and column with its classification level, personal-data kind, retention category and period, and the pg_cron job that purges it.';

revoke all on table sealog_admin.data_inventory from public, anon, authenticated, service_role;
