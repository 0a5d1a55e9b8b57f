#!/usr/bin/env bash
# PostgreSQL for the tests. Prints one line for the caller to eval:
#     export STATION_TEST_PG=postgresql://station_test@127.0.0.1:54329/station_test
# Everything else goes to stderr. Safe to run again: fast (one connection check) when the server is up.
#
#   - STATION_TEST_PG already set: prints it back, does nothing else.
#   - As root with apt-get: installs the `postgresql` package when no server program is found.
#   - Runs a private cluster (not the system's): data in $STATION_PG_DIR (default /tmp/station-pg),
#     listening on 127.0.0.1:$STATION_PG_PORT (default 54329), trust authentication (loopback only),
#     owned by the `postgres` user when run as root; creates the role and database `station_test`.
#   - No server and no way to install one: prints nothing; the PostgreSQL tests then skip (fail on CI).
# Stop it with: pg_ctl -D /tmp/station-pg stop   (as the postgres user when started as root)
set -euo pipefail

if [ -n "${STATION_TEST_PG:-}" ]; then
  printf 'export STATION_TEST_PG=%q\n' "$STATION_TEST_PG"
  exit 0
fi

PORT=${STATION_PG_PORT:-54329}
DIR=${STATION_PG_DIR:-/tmp/station-pg}
ROLE=station_test
DB=station_test
URL="postgresql://$ROLE@127.0.0.1:$PORT/$DB"

say() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ]; then
    echo "$d"
  elif command -v postgres >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v postgres)"
  else
    return 1
  fi
}

BIN=$(find_bindir || true)
if [ -z "$BIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "apt-get install postgresql"
    start=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    say "installed in $((SECONDS - start)) s"
    BIN=$(find_bindir || true)
  fi
  if [ -z "$BIN" ]; then
    say "no PostgreSQL server program here (and not root with apt-get): the PostgreSQL tests will skip"
    exit 0
  fi
fi

up() { "$BIN/psql" "$URL" -Atqc 'SELECT 1' >/dev/null 2>&1; }

if up; then
  printf 'export STATION_TEST_PG=%q\n' "$URL"
  exit 0
fi

# As root the cluster belongs to `postgres` (initdb and postgres refuse to run as root).
if [ "$(id -u)" = 0 ]; then
  getent passwd postgres >/dev/null || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  as_owner() { "$@"; }
fi

if [ ! -f "$DIR/PG_VERSION" ]; then
  say "initdb $DIR"
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
  chmod 700 "$DIR"
  as_owner "$BIN/initdb" -D "$DIR" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
  cat >>"$DIR/postgresql.conf" <<EOF
# scripts/postgres.sh: a private cluster for the tests, reachable on loopback only
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 200
EOF
fi

if ! as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  say "starting the cluster in $DIR on port $PORT"
  as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null || {
    say "the server did not start (port $PORT in use? see $DIR/server.log)"
    tail -n 5 "$DIR/server.log" >&2 || true
    exit 1
  }
fi

admin() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
if [ -z "$(admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
  admin -c "CREATE ROLE $ROLE LOGIN CREATEDB"
fi
if [ -z "$(admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
  admin -c "CREATE DATABASE $DB OWNER $ROLE"
fi

if ! up; then
  say "cannot connect to $URL"
  exit 1
fi
printf 'export STATION_TEST_PG=%q\n' "$URL"
