# shellcheck shell=bash
# The local stack, shared by scripts/start.sh and scripts/test.sh.
# Docker-free: a private PostgreSQL 15 cluster with pg_cron, pgTAP and plpgsql_check,
# Supabase's platform baseline, migrations applied by the real Supabase CLI, and
# one Deno process that serves every Edge Function, behind PgBouncer in transaction mode (the
# stand-in for Supavisor, Supabase's transaction pooler), as the functions' own login.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Local-only passwords, as `supabase start` uses; never used on a hosted project.
export SEALOG_DB_PASSWORD="${SEALOG_DB_PASSWORD:-postgres}"
# The functions' login (sealog_functions); set by `deno task db-password`, as on a hosted project.
export SEALOG_FUNCTIONS_DB_PASSWORD="${SEALOG_FUNCTIONS_DB_PASSWORD:-sealog-functions-local}"
PG_BIN="/usr/lib/postgresql/15/bin"

# use_stack DATA_DIR DB_PORT FUNCTIONS_PORT POOLER_PORT: points every function below at one
# local stack (the dev stack by default; test.sh, bench.sh and soak.sh use stacks of their own).
use_stack() {
  mkdir -p "$1"
  SEALOG_DATA_DIR="$(cd "$1" && pwd)"
  export SEALOG_DATA_DIR SEALOG_DB_PORT="$2" SEALOG_PORT="$3" SEALOG_POOLER_PORT="$4"
  unset SEALOG_PGDATA
}
use_stack "${SEALOG_DATA_DIR:-$ROOT/.sealog}" "${SEALOG_DB_PORT:-54322}" "${SEALOG_PORT:-54321}" \
  "${SEALOG_POOLER_PORT:-54323}"

# The cluster's directory, exported as SEALOG_PGDATA. It lives in the data dir, unless the
# cluster runs as `postgres` (we are root) and that user cannot reach the checkout (under
# /root, say): then it goes to postgres's home. Resolved once the packages are installed.
cluster_dir() {
  if [ -z "${SEALOG_PGDATA:-}" ]; then
    mkdir -p "$SEALOG_DATA_DIR"
    SEALOG_PGDATA="$SEALOG_DATA_DIR/pg"
    if [ "$(id -u)" = 0 ]; then
      chown postgres:postgres "$SEALOG_DATA_DIR"
      if ! as_pg_owner test -w "$SEALOG_DATA_DIR"; then
        SEALOG_PGDATA="/var/lib/postgresql/sealog/$(printf '%s' "$SEALOG_DATA_DIR" | sha256sum | cut -c1-12)/pg"
        as_pg_owner mkdir -p "$(dirname "$SEALOG_PGDATA")"
      fi
    fi
    export SEALOG_PGDATA
  fi
  printf '%s' "$SEALOG_PGDATA"
}
TOOLS_BIN="$ROOT/tools/node_modules/.bin"
DENO="$TOOLS_BIN/deno"
SUPABASE="$TOOLS_BIN/supabase"
SQUAWK="$TOOLS_BIN/squawk"
APT_PACKAGES=(postgresql-15 postgresql-15-cron postgresql-15-pgtap postgresql-15-plpgsql-check libtap-parser-sourcehandler-pgtap-perl pgbouncer
  chromium)
# The pooler's server connections for the functions' login: the database never sees more.
export SEALOG_POOLER_POOL_SIZE=20

log() { printf '[sealog] %s\n' "$*" >&2; }

db_url() { # db_url [user] [password] [port]
  printf 'postgresql://%s:%s@127.0.0.1:%s/postgres?sslmode=disable' "${1:-postgres}" "${2:-$SEALOG_DB_PASSWORD}" "${3:-$SEALOG_DB_PORT}"
}

# Runs a command as the cluster's owner: initdb refuses root, so root delegates to `postgres`.
as_pg_owner() {
  # From /, since the checkout may be out of postgres's reach; every path here is absolute.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

ensure_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's package creates and starts a default cluster on 5432; ours is private.
  $sudo pg_dropcluster --stop 15 main >/dev/null 2>&1 || true
  # And its pgbouncer service on 6432; ours is private too.
  $sudo systemctl disable --now pgbouncer >/dev/null 2>&1 || $sudo service pgbouncer stop >/dev/null 2>&1 || true
}

# Tools are pinned in tools/package.json, apart from the root package.json, so that Deno
# does not try to resolve them as project dependencies.
ensure_tools() {
  if [ ! -x "$DENO" ] || [ ! -x "$SUPABASE" ] || [ ! -x "$SQUAWK" ] ||
    [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
    log "installing pinned tools from npm (deno, supabase CLI, squawk)"
    # Not `npm ci`: npm records only this platform's optional binaries (@deno/linux-x64-glibc,
    # @supabase/cli-linux-x64, …) in the lock, and `npm ci` then refuses the lock as out of
    # sync. `install --no-save` honours the pinned versions and leaves the lock untouched.
    npm install --prefix tools --no-save --no-audit --no-fund --loglevel=error >/dev/null
  fi
  # For editors and hooks that look for node_modules/.bin/deno.
  mkdir -p node_modules/.bin
  ln -sf "$DENO" node_modules/.bin/deno
  export PATH="$TOOLS_BIN:$PATH"
}

# The web console (console/): its pinned packages, then its static build in console/dist.
# `install --no-save` for the reason above (platform-specific optional binaries of the bundler).
build_console() {
  if [ ! -d console/node_modules ] || [ console/package-lock.json -nt console/node_modules/.package-lock.json ]; then
    log "installing the console's pinned packages from npm"
    npm install --prefix console --no-save --no-audit --no-fund --loglevel=error >/dev/null
  fi
  npm run --prefix console --silent build
}

# The console's origin, allowed by the functions' CORS (on top of any origins already set).
allow_console_origin() { # allow_console_origin PORT
  local origin="http://127.0.0.1:$1"
  export SEALOG_ALLOWED_ORIGINS="${SEALOG_ALLOWED_ORIGINS:+$SEALOG_ALLOWED_ORIGINS,}$origin"
}

cluster_running() {
  local pgdata
  pgdata="$(cluster_dir)"
  [ -f "$pgdata/postmaster.pid" ] && as_pg_owner "$PG_BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1
}

init_cluster() {
  local pgdata run_dir
  pgdata="$(cluster_dir)"
  run_dir="$(dirname "$pgdata")"
  [ -f "$pgdata/PG_VERSION" ] && return 0
  log "creating a private PostgreSQL 15 cluster in $pgdata"
  local pwfile="$run_dir/.pw"
  as_pg_owner bash -c "umask 077; printf '%s\n' '$SEALOG_DB_PASSWORD' > '$pwfile'"
  # The bootstrap superuser is supabase_admin, as on hosted projects; `postgres` is created by the baseline.
  as_pg_owner "$PG_BIN/initdb" -D "$pgdata" --username=supabase_admin --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  as_pg_owner rm -f "$pwfile"
  as_pg_owner bash -c "cat >> '$pgdata/postgresql.conf'" <<EOF

# --- sealog local stack ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$run_dir'
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
timezone = 'UTC'
log_timezone = 'UTC'
shared_buffers = '512MB'
# As on the smallest hosted computes; the functions reach it through the pooler only.
max_connections = 60
EOF
}

start_cluster() {
  init_cluster
  if cluster_running; then
    log "PostgreSQL already running on 127.0.0.1:$SEALOG_DB_PORT (reused)"
    return 0
  fi
  log "starting PostgreSQL on 127.0.0.1:$SEALOG_DB_PORT"
  # A cluster created before the hosted topology (max_connections 200) gets the hosted limit.
  local conf
  conf="$(cluster_dir)/postgresql.conf"
  as_pg_owner grep -q '^max_connections = 60$' "$conf" ||
    as_pg_owner bash -c "printf 'max_connections = 60\n' >> '$conf'"
  local attempt log_file
  log_file="$(dirname "$(cluster_dir)")/postgres.log"
  for attempt in 1 2 3 4 5; do
    as_pg_owner "$PG_BIN/pg_ctl" -D "$(cluster_dir)" -l "$log_file" \
      -o "-p $SEALOG_DB_PORT" -w -t 60 start >/dev/null && return 0
    # Our ports lie in Linux's ephemeral range, so a client socket of an earlier step can hold
    # the port for a moment ("Address already in use"): wait and try again.
    log "PostgreSQL did not start (attempt $attempt of 5): $(tail -n 1 "$log_file")"
    sleep 3
  done
  return 1
}

stop_cluster() {
  stop_pooler
  cluster_running && as_pg_owner "$PG_BIN/pg_ctl" -D "$(cluster_dir)" -m fast -w stop >/dev/null || true
}

# Applies the local-only platform baseline (idempotent) as the bootstrap superuser.
apply_baseline() {
  PGPASSWORD="$SEALOG_DB_PASSWORD" PGOPTIONS="-c client_min_messages=warning" \
    psql -X -q -v ON_ERROR_STOP=1 -d "$(db_url supabase_admin)" \
    -v db_password="$SEALOG_DB_PASSWORD" -f local/platform_baseline.sql >/dev/null
}

# Applies migrations with the real Supabase CLI, as `postgres`, like `supabase db push` on a hosted project.
push_migrations() {
  "$SUPABASE" db push --remote="$(db_url)" --include-all --yes 2>&1 | grep -v '^$' >&2
}

start_database() {
  ensure_packages
  ensure_tools
  start_cluster
  apply_baseline
  # A project's own tables, there before the first push (test.sh: the collision scenario).
  if [ -n "${SEALOG_PROJECT_SQL:-}" ]; then psql_postgres -f "$SEALOG_PROJECT_SQL" >/dev/null; fi
  push_migrations
  set_functions_password
  start_pooler
}

# A new cluster, migrated: the test command and the soak start from one, because migrations are
# edited in place until the first release (after it, only new migrations: docs/dba-guide.md) and a
# kept cluster would not see the edits.
start_fresh_database() {
  stop_cluster
  rm -rf "$(cluster_dir)" "$SEALOG_DATA_DIR"
  unset SEALOG_PGDATA
  start_database
}

# Environment that a hosted Edge Function gets, plus Sealog's own settings.
function_env() {
  export SUPABASE_URL="http://127.0.0.1:$SEALOG_PORT"
  # The functions' own login through the pooler; SEALOG_DB_DIRECT=1 (the bench's comparison)
  # connects it straight to PostgreSQL instead.
  export SEALOG_DB_URL
  if [ "${SEALOG_DB_DIRECT:-0}" = 1 ]; then
    SEALOG_DB_URL="$(db_url sealog_functions "$SEALOG_FUNCTIONS_DB_PASSWORD")"
  else
    SEALOG_DB_URL="$(db_url sealog_functions "$SEALOG_FUNCTIONS_DB_PASSWORD" "$SEALOG_POOLER_PORT")"
  fi
  unset SUPABASE_DB_URL
  export SUPABASE_JWKS
  SUPABASE_JWKS="$("$DENO" run --quiet --allow-read --allow-write --allow-env local/jwt_keys.ts jwks)"
  export SEALOG_PSEUDONYM_KEY="${SEALOG_PSEUDONYM_KEY:-local-only-pseudonym-key-change-me}"
  # The project's secret key (the operator's, for deletion requests), as Supabase injects it.
  if [ -z "${SUPABASE_SECRET_KEYS:-}" ]; then
    export SUPABASE_SECRET_KEYS
    SUPABASE_SECRET_KEYS="{\"default\": \"$(local_secret_key)\"}"
  fi
  # Supabase Auth hooks. The tenant (SEALOG_AUTH_HOOK_TENANT_ID) must exist, so start.sh and
  # test.sh set it once they have created one.
  export SEALOG_AUTH_HOOK_SECRET
  SEALOG_AUTH_HOOK_SECRET="${SEALOG_AUTH_HOOK_SECRET:-$(local_auth_hook_secret)}"
}

# A local-only project secret key (sb_secret_...), generated once and kept with the cluster.
local_secret_key() {
  local file="$SEALOG_DATA_DIR/secret_key"
  if [ ! -s "$file" ]; then
    (umask 077; printf 'sb_secret_%s\n' "$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')" > "$file")
  fi
  cat "$file"
}

# A local-only Standard Webhooks secret (v1,whsec_<base64>), generated once and kept with the
# cluster like the JWT key; on a hosted project it comes from the Auth hook settings.
local_auth_hook_secret() {
  local file="$SEALOG_DATA_DIR/auth_hook_secret"
  if [ ! -s "$file" ]; then
    (umask 077; printf 'v1,whsec_%s\n' "$(head -c 32 /dev/urandom | base64 -w0)" > "$file")
  fi
  cat "$file"
}

# Starts the functions server in the background; waits until it answers. Sets SERVER_PID.
start_functions_server() {
  local attempt
  for attempt in 1 2 3; do
    "$DENO" run --quiet --allow-net --allow-env --allow-read --allow-sys local/serve.ts &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
      curl -fsS "http://127.0.0.1:$SEALOG_PORT/health" >/dev/null 2>&1 && return 0
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    { kill "$SERVER_PID" && wait "$SERVER_PID"; } 2>/dev/null || true
    # As for PostgreSQL, a client socket may hold the port for a moment.
    log "functions server did not start on port $SEALOG_PORT (attempt $attempt of 3)"
    sleep 3
  done
  return 1
}

psql_postgres() {
  PGPASSWORD="$SEALOG_DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -At -d "$(db_url)" "$@"
}

# The pooler's files (config, credentials, pid, log) live beside the cluster, where its owner
# can reach them: PgBouncer refuses to run as root.
pooler_dir() { printf '%s/pgbouncer' "$(dirname "$(cluster_dir)")"; }

pooler_running() {
  local pid_file
  pid_file="$(pooler_dir)/pgbouncer.pid"
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# PgBouncer in transaction mode in front of the cluster, for the functions' login only: the
# stand-in for Supavisor. Its config path is exported as SEALOG_POOLER_INI (restart tests).
start_pooler() {
  local dir attempt
  dir="$(pooler_dir)"
  export SEALOG_POOLER_INI="$dir/pgbouncer.ini"
  as_pg_owner mkdir -p "$dir"
  as_pg_owner bash -c "umask 077; cat > '$dir/userlist.txt'" <<EOF
"sealog_functions" "$SEALOG_FUNCTIONS_DB_PASSWORD"
EOF
  as_pg_owner bash -c "cat > '$SEALOG_POOLER_INI'" <<EOF
; Local stand-in for Supavisor's transaction mode, written by scripts/lib.sh.
[databases]
postgres = host=127.0.0.1 port=$SEALOG_DB_PORT dbname=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $SEALOG_POOLER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
; Server connections carry the client's address after its name, so that the database (and
; deno task doctor) can tell a pooled connection from a direct one, as Supavisor's are named.
application_name_add_host = 1
default_pool_size = $SEALOG_POOLER_POOL_SIZE
max_db_connections = $SEALOG_POOLER_POOL_SIZE
max_client_conn = 2000
server_login_retry = 1
; While PostgreSQL is down PgBouncer queues queries rather than refusing them: answer a queued
; query with an error after 3 s (a 503 with Retry-After to the caller), well before the
; functions' own 7 s deadline, instead of holding every request for the whole outage.
query_wait_timeout = 3
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  if pooler_running; then
    # Reused, with this config (the password may have changed).
    as_pg_owner kill -HUP "$(cat "$dir/pgbouncer.pid")"
    log "pgbouncer already running on 127.0.0.1:$SEALOG_POOLER_PORT (reloaded)"
    return 0
  fi
  log "starting pgbouncer (transaction mode) on 127.0.0.1:$SEALOG_POOLER_PORT"
  for attempt in 1 2 3 4 5; do
    as_pg_owner /usr/sbin/pgbouncer -q -d "$SEALOG_POOLER_INI" && sleep 0.3 && pooler_running && return 0
    # As for PostgreSQL, a client socket may hold the port for a moment.
    log "pgbouncer did not start (attempt $attempt of 5): $(tail -n 1 "$dir/pgbouncer.log" 2>/dev/null)"
    sleep 3
  done
  return 1
}

stop_pooler() {
  local pid
  pooler_running || return 0
  pid="$(cat "$(pooler_dir)/pgbouncer.pid")"
  kill -INT "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -TERM "$pid" 2>/dev/null || true
}

# Sets the functions' login password the way an operator does on a hosted project.
set_functions_password() {
  printf '%s' "$SEALOG_FUNCTIONS_DB_PASSWORD" |
    SUPABASE_DB_URL="$(db_url)" "$DENO" task --quiet db-password >/dev/null
}
