-- Every retention category named in a classification comment has a policy row; every
-- category with a finite retention has its table, a purge function that only the scheduler
-- may execute, and an active pg_cron job that runs it. The indefinite categories are the
-- documented four (docs/retention.md).
begin;
select plan(8);

select is_empty(
  $$select distinct retention_category from sealog_admin.data_inventory
     where classified
       and retention_category not in (select category from sealog.retention_policies)$$,
  'every retention category used in a comment has a policy row'
);

select set_eq(
  $$select category from sealog.retention_policies where retention is null$$,
  array['account', 'configuration', 'user_data', 'compliance_reports'],
  'only account, configuration, user_data and compliance_reports are kept indefinitely'
);

select is_empty(
  $$select category from sealog.retention_policies
     where retention is not null and to_regclass(table_name) is null$$,
  'every finite policy names an existing table'
);

select is_empty(
  $$select p.category from sealog.retention_policies p
     where p.retention is not null
       and not exists (
         select 1 from pg_attribute a
          where a.attrelid = to_regclass(p.table_name) and a.attname = p.time_column and not a.attisdropped)$$,
  'every finite policy names an existing time column'
);

select is_empty(
  $$select p.category from sealog.retention_policies p
     where p.retention is not null
       and not exists (
         select 1 from pg_proc f
          where f.oid = to_regproc(p.purge_function)
            and f.proargnames[1] = 'p_now'
            and f.proargtypes[0] = 'timestamptz'::regtype
            and f.pronargs = f.pronargdefaults
            and f.proargnames[2:] = case p.purge_method when 'drop_partitions' then array['p_max_days']
                                                        else array['p_batch_size', 'p_max_batches'] end)$$,
  'every finite policy has one purge function: (p_now, p_max_days) for partitioned categories, (p_now, p_batch_size, p_max_batches) for batched ones, all defaulted'
);

select is_empty(
  $$select p.category from sealog.retention_policies p
     where p.retention is not null
       and not exists (
         select 1 from cron.job j
          where j.jobname = p.purge_job
            and j.active
            and j.username = 'postgres'
            and j.command = case p.purge_method
                              when 'drop_partitions' then sealog.one_day_per_transaction(p.purge_function::regproc)
                              else format('select %s()', p.purge_function) end)$$,
  'every finite policy has an active pg_cron job, owned by postgres, that runs its purge function (one expired day per transaction for partitioned categories)'
);

select is_empty(
  $$select format('%s: definer %s, config %s', p.oid::regprocedure, p.prosecdef, p.proconfig)
      from pg_proc p
     where p.pronamespace = 'sealog'::regnamespace
       and p.proname like 'purge\_%'
       and p.proname <> 'purge_expired_rows'
       and not (p.prosecdef and 'search_path=""' = any (p.proconfig) and 'lock_timeout=1s' = any (p.proconfig))$$,
  'every purge function is SECURITY DEFINER with search_path = '''' and a lock_timeout'
);

select is_empty(
  $$select format('%s by %s', p.oid::regprocedure, r.rolname)
      from pg_proc p
     cross join (values ('anon'), ('authenticated'), ('service_role'), ('sealog_edge')) as r(rolname)
     where p.pronamespace = 'sealog'::regnamespace
       and (p.proname like 'purge\_%' or p.proname = 'delete_in_batches')
       and (has_function_privilege(r.rolname, p.oid, 'execute')
            or exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                        where a.grantee = 0 and a.privilege_type = 'EXECUTE'))$$,
  'only the scheduler''s role (postgres, the owner) may execute the purge functions'
);

select * from finish();
rollback;
