#!/usr/bin/env bash
# deno task bench [--quick] [--large-rows N]: ingest throughput and latency over real HTTP,
# against the database (COPY) and HTTP (bare hono route) ceilings; auth with valid and invalid
# keys; erasure and purge on a table of N rows (default 10 million) over 100 daily partitions.
# Also the same ingest load through the pooler and straight to PostgreSQL (a second functions
# server on SEALOG_BENCH_DIRECT_PORT, default the functions port + 9), and a third functions
# server with a pool of 16 (SEALOG_BENCH_WIDE_PORT, the functions port + 8) for P2.
# Uses a local stack of its own (SEALOG_BENCH_DATA_DIR, SEALOG_BENCH_DB_PORT, SEALOG_BENCH_POOLER_PORT,
# SEALOG_BENCH_PORT): reused when it is already up, else created afresh. Installs what is missing,
# including the load generator. Writes bench/results/bench.{json,md} and ingest-latency.svg.
# P1, P2 (against pgbench) and P6 ratios, with evidence from pg_stat_statements (loaded here, on
# the bench's cluster only), pg_stat_wal, wait events and each process's CPU: bench/ratios.ts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_stack "${SEALOG_BENCH_DATA_DIR:-$ROOT/.sealog/bench}" "${SEALOG_BENCH_DB_PORT:-54342}" "${SEALOG_BENCH_PORT:-54341}" \
  "${SEALOG_BENCH_POOLER_PORT:-54343}"

# autocannon, pinned in bench/loadgen/package-lock.json and run under Node.
ensure_loadgen() {
  if [ ! -d bench/loadgen/node_modules/autocannon ] ||
    [ bench/loadgen/package-lock.json -nt bench/loadgen/node_modules/.package-lock.json ]; then
    log "installing the load generator (autocannon) from npm"
    npm ci --prefix bench/loadgen --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

reused_cluster=false
cluster_running && reused_cluster=true
# A bench cluster that is not running is created afresh, so that every run measures the same
# tables (the large-table sections add 10 million rows).
if [ "$reused_cluster" = true ]; then start_database; else start_fresh_database; fi
ensure_loadgen

# The evidence of bench/profile.ts: pg_stat_statements with nested statements, I/O and WAL
# timing. Preloading needs a restart, once per cluster; the pooler reconnects by itself.
as_admin() { PGPASSWORD="$SEALOG_DB_PASSWORD" psql -X -q -At -v ON_ERROR_STOP=1 -d "$(db_url supabase_admin)" "$@"; }
if [ "$(as_admin -c 'show shared_preload_libraries')" != "pg_cron, pg_stat_statements" ]; then
  log "loading pg_stat_statements on the bench cluster (restart)"
  # In the file, not ALTER SYSTEM: the module's settings are unknown until it is preloaded.
  as_pg_owner bash -c "cat >> '$(cluster_dir)/postgresql.conf'" <<'CONF'
# --- deno task bench: evidence (bench/profile.ts) ---
shared_preload_libraries = 'pg_cron, pg_stat_statements'
pg_stat_statements.track = 'all'
track_io_timing = on
track_wal_io_timing = on
CONF
  as_pg_owner "$PG_BIN/pg_ctl" -D "$(cluster_dir)" -m fast -w -t 60 restart \
    -l "$(dirname "$(cluster_dir)")/postgres.log" -o "-p $SEALOG_DB_PORT" >/dev/null
fi
as_admin -c 'create extension if not exists pg_stat_statements with schema extensions' \
  -c 'grant execute on function extensions.pg_stat_statements_reset(oid, oid, bigint) to postgres' \
  -c 'grant pg_read_all_stats to postgres' -c 'grant pg_checkpoint to postgres'
# What explains a slow request under the purges (bench/purge_evidence.ts reads the log): a
# lock wait is logged, with its holder and statement, once it passes deadlock_timeout (20 ms
# here, 1 s by default). That also times the deadlock check: below the 500 ms a purge's detach
# waits (docs/retention.md), a read holding the parent could lose a deadlock to it; the bench
# runs only ingest beside the purges, which never locks an expired day.
as_admin -c 'alter system set log_checkpoints = on' \
  -c 'alter system set log_autovacuum_min_duration = 0' -c 'alter system set log_lock_waits = on' \
  -c "alter system set deadlock_timeout = '20ms'" -c 'select pg_reload_conf()' >/dev/null
export SEALOG_BENCH_PG_LOG
SEALOG_BENCH_PG_LOG="$(dirname "$(cluster_dir)")/postgres.log"
export SEALOG_PGBENCH="$PG_BIN/pgbench"
export SEALOG_BENCH_POSTMASTER_PID SEALOG_BENCH_POOLER_PID
SEALOG_BENCH_POSTMASTER_PID="$(as_pg_owner head -n 1 "$(cluster_dir)/postmaster.pid")"
SEALOG_BENCH_POOLER_PID="$(as_pg_owner cat "$(pooler_dir)/pgbouncer.pid")"

cleanup() {
  [ -n "${DIRECT_PID:-}" ] && kill "$DIRECT_PID" 2>/dev/null && wait "$DIRECT_PID" 2>/dev/null
  [ -n "${WIDE_PID:-}" ] && kill "$WIDE_PID" 2>/dev/null && wait "$WIDE_PID" 2>/dev/null
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ "$reused_cluster" = true ] || stop_cluster
}
trap cleanup EXIT

function_env
export SEALOG_BENCH_ROUTES=1
start_functions_server

tenant_json="$("$DENO" task --quiet tenant create bench --rate 100000/s)"
export SEALOG_BENCH_TENANT_ID SEALOG_BENCH_API_KEY
SEALOG_BENCH_TENANT_ID="$(sed -E 's/.*"tenant_id":"([^"]+)".*/\1/' <<<"$tenant_json")"
SEALOG_BENCH_API_KEY="$(sed -E 's/.*"api_key":"([^"]+)".*/\1/' <<<"$tenant_json")"
export SEALOG_BENCH_BASE_URL="http://127.0.0.1:$SEALOG_PORT/functions/v1"

# The same functions straight to PostgreSQL, for the pooler's cost (bench/main.ts).
stack_port="$SEALOG_PORT"
SERVER_PID_POOLED="$SERVER_PID"
SEALOG_PORT="${SEALOG_BENCH_DIRECT_PORT:-$((SEALOG_PORT + 9))}"
SEALOG_DB_DIRECT=1 function_env
start_functions_server
DIRECT_PID="$SERVER_PID"
SERVER_PID="$SERVER_PID_POOLED"
export SEALOG_BENCH_DIRECT_BASE_URL="http://127.0.0.1:$SEALOG_PORT/functions/v1"
# And a third through the pooler with a pool of 16 (SEALOG_BENCH_WIDE_PORT, default the
# functions port + 8): P2 at the database concurrency of pgbench's 16 clients (bench/ratios.ts).
SEALOG_PORT="${SEALOG_BENCH_WIDE_PORT:-$((stack_port + 8))}"
function_env
SEALOG_DB_POOL_SIZE=16 start_functions_server
WIDE_PID="$SERVER_PID"
export SEALOG_BENCH_WIDE_BASE_URL="http://127.0.0.1:$SEALOG_PORT/functions/v1"
SERVER_PID="$SERVER_PID_POOLED"
SEALOG_PORT="$stack_port"
function_env

export SEALOG_BENCH_SERVER_PID="$SERVER_PID" SEALOG_BENCH_DIRECT_SERVER_PID="$DIRECT_PID" \
  SEALOG_BENCH_WIDE_SERVER_PID="$WIDE_PID"
"$DENO" run --allow-all bench/main.ts "$@"
