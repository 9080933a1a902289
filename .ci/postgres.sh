#!/usr/bin/env bash
# A throw-away PostgreSQL (Debian's package) on 127.0.0.1:55432 for central's tests.
# Prints nothing on success but the URL hint; exits non-zero if it cannot start one.
set -euo pipefail
PORT=55432
DIR=/tmp/kiosk-ci-pg
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ -f "$DIR/data/postmaster.pid" ]; then
  su postgres -c "$BIN/pg_ctl -D $DIR/data -m fast stop" >/dev/null 2>&1 || true
fi
rm -rf "$DIR"
mkdir -p "$DIR"
chown postgres "$DIR"
su postgres -c "$BIN/initdb -D $DIR/data -A trust -U postgres" >/dev/null
su postgres -c "$BIN/pg_ctl -D $DIR/data -l $DIR/server.log -w -o \"-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q \
  -c "CREATE USER kiosk PASSWORD 'kiosk' CREATEDB" \
  -c "CREATE DATABASE kiosk_test OWNER kiosk"
echo "PostgreSQL ready: postgresql+psycopg://kiosk:kiosk@127.0.0.1:$PORT/kiosk_test"
