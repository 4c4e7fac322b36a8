#!/usr/bin/env bash
# Every check, against a fresh local stack of its own (so it never touches the dev stack's
# data): format, lint and types; migration lint; a fresh cluster migrated by the Supabase
# CLI; the Security and Performance Advisors; plpgsql_check; Deno unit and integration
# tests over real HTTP; pgTAP through pg_prove; the web console in Debian's chromium; deno task
# soak. Installs what is missing.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_stack "${SEALOG_TEST_DATA_DIR:-$ROOT/.sealog/test}" "${SEALOG_TEST_DB_PORT:-54332}" "${SEALOG_TEST_PORT:-54331}" \
  "${SEALOG_TEST_POOLER_PORT:-54333}"

failures=()
# Each check's output is kept, so that a failure's own lines are repeated at the very end, where
# a CI log that shows only its tail still shows them.
# (Not in the stack's directory: the fresh database below starts by removing it.)
STEP_LOGS="$(mktemp -d -t sealog-checks.XXXXXX)"
step() { log "== $*"; }
check() { # check NAME COMMAND...: runs the command, records a failure, carries on
  local name="$1"
  shift
  step "$name"
  if ! "$@" 2>&1 | tee "$STEP_LOGS/${#failures[@]}.log"; then failures+=("$name"); fi
}

ensure_packages
ensure_tools

# Builds sdk/dist first, so the checks below prove the build output never breaks them.
check "sdk package (npm pack; tsc --strict under nodenext and bundler; import and require)" bash scripts/sdk_package.sh
check "format" "$DENO" fmt --check
check "lint" "$DENO" lint
check "types" "$DENO" check supabase/functions local cli scripts tests bench/main.ts sdk bench/scanner.ts examples \
  console/e2e/seed.ts console/e2e/outage.ts
# The console's own types (tsc) and its static build in console/dist.
check "console build" build_console
# Migration lint; .squawk.toml documents every excluded rule.
check "squawk (migration lint)" "$SQUAWK" --config .squawk.toml supabase/migrations/*.sql

cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  stop_cluster
}
trap cleanup EXIT

step "fresh database"
# The project already has its own public.profiles: the migrations must apply beside it.
SEALOG_PROJECT_SQL=tests/fixtures/project_tables.sql start_fresh_database

check "supabase db advisors (fail on WARN)" \
  "$SUPABASE" db advisors --remote="$(db_url)" --level warn --fail-on warn
check "supabase db lint (fail on warning)" \
  "$SUPABASE" db lint --remote="$(db_url)" --schema public,sealog,sealog_api,sealog_admin --level warning --fail-on warning

step "functions server"
function_env
# A tenant served from the static token map, as SEALOG_TENANT_TOKEN_MAP on a hosted project.
export SEALOG_TEST_STATIC_TOKEN="static-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SEALOG_TEST_STATIC_TENANT="$(psql_postgres -c "select sealog_admin.create_tenant('static-map tenant', 1000)")"
export SEALOG_TEST_STATIC_TENANT
export SEALOG_TENANT_TOKEN_MAP="{\"$SEALOG_TEST_STATIC_TOKEN\": \"$SEALOG_TEST_STATIC_TENANT\"}"
# The tenant of Supabase Auth hook deliveries, as SEALOG_AUTH_HOOK_TENANT_ID on a hosted project.
SEALOG_AUTH_HOOK_TENANT_ID="$(psql_postgres -c "select sealog_admin.create_tenant('auth-hook tenant', 1000)")"
export SEALOG_AUTH_HOOK_TENANT_ID
export SEALOG_ALLOWED_ORIGINS="https://app.example.test,https://admin.example.test"
export SEALOG_TEST_CONSOLE_PORT="${SEALOG_TEST_CONSOLE_PORT:-54334}"
allow_console_origin "$SEALOG_TEST_CONSOLE_PORT"
start_functions_server

export SEALOG_TEST_BASE_URL="http://127.0.0.1:$SEALOG_PORT/functions/v1"
# tests/soak/ runs in deno task soak, at the end; tests/node/ on its own, below.
check "deno tests" "$DENO" test --allow-all --parallel --ignore=tests/disruptive,tests/soak,tests/node tests/
# The packed SDK (from the first check) under Node, recording and flushing to this stack.
check "sdk package under Node against the stack" "$DENO" test --allow-all tests/node/
# Tests that restart the database run alone, after the others.
if compgen -G "tests/disruptive/*_test.ts" >/dev/null; then
  check "deno resilience tests" "$DENO" test --allow-all tests/disruptive/
fi

# The console in a real browser against this stack (console/e2e: seeds its own tenants).
check "console end-to-end (chromium)" npm run --prefix console --silent e2e

check "pgTAP" env PGPASSWORD="$SEALOG_DB_PASSWORD" pg_prove --ext .sql -h 127.0.0.1 -p "$SEALOG_DB_PORT" \
  -U postgres -d postgres -r supabase/tests/database
# pg_cron's failed runs while the tests ran, if any, with their errors: the SOC 2 retention
# control fails on a purge job's failed last run, and pgTAP can only say that it did.
psql_postgres -F ' | ' -c "select j.jobname, d.start_time, d.return_message from cron.job_run_details d
  join cron.job j using (jobid) where d.status = 'failed' order by d.start_time" |
  sed 's/^/[sealog] failed pg_cron run: /'
# What a compromised function reaches, connected as its own login. pgTAP's functions live in
# extensions, which that login may not use otherwise: granted for this run only.
psql_postgres -c "grant usage on schema extensions to sealog_functions"
check "pgTAP as the functions' login" env PGPASSWORD="$SEALOG_FUNCTIONS_DB_PASSWORD" pg_prove --ext .sql \
  -h 127.0.0.1 -p "$SEALOG_DB_PORT" -U sealog_functions -d postgres -r supabase/tests/functions_login
psql_postgres -c "revoke usage on schema extensions from sealog_functions"

# The soak and the timing test, on a stack of their own (scripts/soak.sh), once this one is down
# so that they have the machine to themselves.
cleanup
SERVER_PID=
check "deno task soak" "$DENO" task soak

if [ ${#failures[@]} -gt 0 ]; then
  for i in "${!failures[@]}"; do
    log "FAILED: ${failures[$i]}; the end of its output:"
    # Without colour codes; Deno's test summary (ERRORS, FAILURES) is in these lines.
    tail -n 60 "$STEP_LOGS/$i.log" | sed 's/\x1b\[[0-9;]*m//g'
  done
  log "FAILED: ${failures[*]}"
  exit 1
fi
rm -rf "$STEP_LOGS"
log "all checks passed"
