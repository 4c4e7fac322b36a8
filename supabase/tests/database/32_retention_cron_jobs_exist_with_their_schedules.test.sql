-- The retention, partition and report jobs exist in pg_cron with their UTC schedules, owned
-- by postgres and active; the day-partitioned categories are purged hourly.
begin;
select plan(2);

select set_has(
  $$select jobname::text, schedule, command from cron.job where active and username = 'postgres'$$,
  $$values
    ('sealog-partitions', '5 0 * * *', 'select sealog.maintain_partitions()'),
    ('sealog-purge-detached-days', '* * * * *', sealog.one_day_per_transaction('sealog.purge_detached_days')),
    ('sealog-purge-telemetry', '15 * * * *', sealog.one_day_per_transaction('sealog.purge_telemetry')),
    ('sealog-purge-api-access-log', '20 * * * *', sealog.one_day_per_transaction('sealog.purge_api_access_log')),
    ('sealog-purge-usage-rollups', '16 * * * *', sealog.one_day_per_transaction('sealog.purge_usage_rollups')),
    ('sealog-purge-auth-events', '40 * * * *', sealog.one_day_per_transaction('sealog.purge_auth_events')),
    ('sealog-purge-ephemeral', '25 0 * * *', 'select sealog.purge_ephemeral()'),
    ('sealog-purge-cron-history', '30 0 * * *', 'select sealog.purge_cron_history()'),
    ('sealog-purge-purge-log', '35 0 * * *', 'select sealog.purge_purge_log()'),
    ('sealog-purge-session-state', '*/15 * * * *', 'select sealog.purge_session_state()'),
    ('sealog-soc2-report', '0 6 * * 1', 'select sealog_admin.generate_soc2_report()')$$,
  'the retention, partition and report jobs are scheduled every minute, hourly, daily, every 15 minutes and weekly'
);

select is_empty(
  $$select jobname from cron.job where jobname not like 'sealog-%' or jobname is null$$,
  'every pg_cron job is named sealog-...'
);

select * from finish();
rollback;
