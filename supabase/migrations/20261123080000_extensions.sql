/**
 * Extensions.
 * pg_cron runs the retention, partition and erasure schedules inside the database.
 * On hosted projects it is enabled from the dashboard or here; it lives in pg_catalog
 * with its objects in the `cron` schema, as Supabase documents.
 */
create extension if not exists pg_cron with schema pg_catalog;
