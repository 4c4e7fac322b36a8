#!/usr/bin/env bash
# deno task soak: the long resilience checks, against a local stack of its own
# (SEALOG_SOAK_DATA_DIR, SEALOG_SOAK_DB_PORT, SEALOG_SOAK_PORT), created afresh each run.
# Runs tests/soak/: the soak (SEALOG_SOAK_CLIENTS clients for SEALOG_SOAK_SECONDS,
# exact counts) and the dudect-style timing test of valid and invalid keys
# (SEALOG_TIMING_SAMPLES per class). Installs what is missing.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_stack "${SEALOG_SOAK_DATA_DIR:-$ROOT/.sealog/soak}" "${SEALOG_SOAK_DB_PORT:-54352}" "${SEALOG_SOAK_PORT:-54351}" \
  "${SEALOG_SOAK_POOLER_PORT:-54353}"

start_fresh_database

cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  stop_cluster
}
trap cleanup EXIT

function_env
start_functions_server

export SEALOG_TEST_BASE_URL="http://127.0.0.1:$SEALOG_PORT/functions/v1"
"$DENO" test --allow-all tests/soak/
