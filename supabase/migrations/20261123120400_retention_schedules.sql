/**
 * Retention schedules: one pg_cron job per purge, in UTC, named sealog-<what>, owned by the
 * role that runs migrations (postgres), the only role that may execute the purge functions.
 * cron.schedule upserts by job name, so re-running this migration changes nothing. The jobs
 * of day-partitioned tables run sealog.one_day_per_transaction's command: their purge function
 * detaches at most one expired day per transaction, so a catch-up stalls ingest for one day's
 * detach at a time.
 *
 *   00:05  sealog-partitions                (day_partitions) every partitioned table 7 days ahead
 *   hourly at :15  sealog-purge-telemetry       90 days: whole days dropped, the boundary day's
 *   hourly at :20  sealog-purge-api-access-log  expired hours deleted (the hour-aligned cutoff)
 *   hourly at :16  sealog-purge-usage-rollups   telemetry's rollups, buckets past the same cutoff,
 *                                               in a transaction apart from the partition drops
 *   00:25  sealog-purge-ephemeral           7 days: idle rate-limit buckets, completed erasure tasks
 *   00:30  sealog-purge-cron-history        14 days of cron.job_run_details
 *   00:35  sealog-purge-purge-log           1 year
 *   every 15 minutes  sealog-purge-session-state  24 hours after the last activity
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

select cron.schedule('sealog-purge-telemetry', '15 * * * *', sealog.one_day_per_transaction('sealog.purge_telemetry'));
select cron.schedule('sealog-purge-api-access-log', '20 * * * *', sealog.one_day_per_transaction('sealog.purge_api_access_log'));
select cron.schedule('sealog-purge-usage-rollups', '16 * * * *', sealog.one_day_per_transaction('sealog.purge_usage_rollups'));
select cron.schedule('sealog-purge-ephemeral', '25 0 * * *', 'select sealog.purge_ephemeral()');
select cron.schedule('sealog-purge-cron-history', '30 0 * * *', 'select sealog.purge_cron_history()');
select cron.schedule('sealog-purge-purge-log', '35 0 * * *', 'select sealog.purge_purge_log()');
select cron.schedule('sealog-purge-session-state', '*/15 * * * *', 'select sealog.purge_session_state()');
