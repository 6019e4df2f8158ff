#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 server started in a temporary
# directory, with DATABASE_URL pointing at it; the server is stopped and removed
# afterwards, also when the command fails.
set -euo pipefail

PG_BIN=${PG_BIN:-}
if [ -z "$PG_BIN" ]; then
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then PG_BIN=$dir; break; fi
  done
fi
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "PostgreSQL server binaries not found. Install them with: apt-get install postgresql-15 postgresql-contrib" >&2
  exit 2
fi

port=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
workdir=$(mktemp -d /tmp/samma-pg.XXXXXX)
chmod 755 "$workdir"

# PostgreSQL refuses to run as root: run the server as the postgres user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$workdir"; fi

stop_server() {
  as_pg "$PG_BIN/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop_server EXIT

as_pg "$PG_BIN/initdb" -D "$workdir/data" -U postgres --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 >"$workdir/initdb.log" 2>&1 \
  || { cat "$workdir/initdb.log" >&2; exit 2; }
as_pg "$PG_BIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$workdir/server.log" >&2; exit 2; }
"$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres samma

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/samma"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $workdir)"
set +e
"$@"
status=$?
set -e
exit $status
