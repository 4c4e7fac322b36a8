#!/usr/bin/env bash
# The local stack in the foreground: PostgreSQL 15 + migrations + PgBouncer + every Edge Function,
# and the web console (console/) served beside it, its origin allowed by the functions' CORS.
# Installs what is missing; a second start with the stack already up reuses it. Ctrl-C stops it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_database
function_env

# A demo tenant, created once and kept with the cluster (the key is shown only here).
demo_file="$SEALOG_DATA_DIR/demo_tenant.json"
demo_tenant=""
[ -f "$demo_file" ] && demo_tenant="$(sed -E 's/.*"tenant_id":"([^"]+)".*/\1/' "$demo_file")"
if [ -z "$demo_tenant" ] || [ "$(psql_postgres -c "select count(*) from sealog.tenants where tenant_id = '$demo_tenant'")" != 1 ]; then
  (umask 077; "$DENO" task --quiet tenant create demo > "$demo_file")
fi
demo_tenant="$(sed -E 's/.*"tenant_id":"([^"]+)".*/\1/' "$demo_file")"
demo_key="$(sed -E 's/.*"api_key":"([^"]+)".*/\1/' "$demo_file")"
# Supabase Auth hook deliveries are recorded for the demo tenant unless told otherwise.
export SEALOG_AUTH_HOOK_TENANT_ID="${SEALOG_AUTH_HOOK_TENANT_ID:-$demo_tenant}"

base="http://127.0.0.1:$SEALOG_PORT/functions/v1"
console_port="${SEALOG_CONSOLE_PORT:-54324}"
allow_console_origin "$console_port"
banner() {
  cat <<MSG

Sealog is running.
  Functions:  $base/{$(sed -nE 's/^  ([a-z-]+|"[a-z-]+"): async.*/\1/p' local/functions.ts | tr -d '"' | paste -sd,)}
  Database:   $(db_url)
  Pooler:     127.0.0.1:$SEALOG_POOLER_PORT (PgBouncer, transaction mode; the functions log in as sealog_functions)
  Demo key:   $demo_key   (tenant $demo_tenant)
  Console:    http://127.0.0.1:$console_port/   (sign in with a key; see README, "Web console")

Try it:
  curl -sS $base/ingest -H "Authorization: Bearer $demo_key" -H 'Content-Type: application/json' \\
    -d '{"events":[{"event_id":"'\$(cat /proc/sys/kernel/random/uuid)'","session_id":"demo-1","occurred_at":"'\$(date -u +%Y-%m-%dT%H:%M:%SZ)'","model":"gpt-4o","input_tokens":12,"output_tokens":34,"risk_tags":["PII_EMAIL"]}]}'

MSG
}

# A second start while the stack is already served reuses it and leaves it running.
if curl -fsS "http://127.0.0.1:$SEALOG_PORT/health" >/dev/null 2>&1; then
  log "functions already served on port $SEALOG_PORT (reused)"
  banner
  exit 0
fi

stop() {
  trap - INT TERM EXIT
  [ -n "${CONSOLE_PID:-}" ] && kill "$CONSOLE_PID" 2>/dev/null && wait "$CONSOLE_PID" 2>/dev/null
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  stop_cluster
  log "stopped"
}
trap stop INT TERM EXIT

build_console
node console/serve.mjs "$console_port" "$base" >&2 &
CONSOLE_PID=$!
start_functions_server
banner
echo "Press Ctrl-C to stop."
wait "$SERVER_PID"
