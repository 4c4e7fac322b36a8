/**
 * The unpartitioned tables that requests write keep their empty trailing pages when vacuumed.
 *
 * A vacuum that finds empty pages at a table's end gives them back to the file system, and to
 * do so takes the table's ACCESS EXCLUSIVE lock, which queues every insert and update behind
 * it. The fold empties usage_deltas every minute, so autovacuum then truncated it every minute:
 * under ingest load in the bench, both ingest calls waited 33 to 57 ms for that lock, once a
 * minute (docs/performance.md, "What the 10-million-row p99 was"). The pages are filled again
 * by the next minute's inserts, so giving them back saved nothing.
 * rate_limit_buckets (every request), session_state (every ingest) and api_keys (a key's last
 * use, once a minute) are rewritten in place in the same way. Each stays as large as the most it
 * held at once (a minute of deltas, or an erasure's; the shards; a day of sessions; the keys),
 * and a manual `vacuum (truncate) <table>` gives that back when wanted.
 */

-- Each alter takes the table's SHARE UPDATE EXCLUSIVE lock, which ingest does not conflict
-- with; a running vacuum holds it off, hence the bounds (docs/dba-guide.md).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

alter table sealog.usage_deltas set (vacuum_truncate = false, toast.vacuum_truncate = false);
alter table sealog.rate_limit_buckets set (vacuum_truncate = false);
alter table sealog.session_state set (vacuum_truncate = false, toast.vacuum_truncate = false);
alter table sealog.api_keys set (vacuum_truncate = false, toast.vacuum_truncate = false);
