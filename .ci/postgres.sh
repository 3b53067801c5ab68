#!/usr/bin/env bash
# Run a command beside a throw-away PostgreSQL server:
#
#     .ci/postgres.sh make test
#
# Installs Debian's postgresql when it is missing (as root, with apt-get), creates a fresh
# cluster in a temporary folder, starts it on a free loopback port (its unix socket in that
# folder too), runs the command with DATABASE_URL=postgresql://postgres@127.0.0.1:PORT/postgres
# and stops and removes the cluster when the command ends, however it ends. The compete
# tests create their own database from that URL. Where PostgreSQL can be neither found nor
# installed, the command runs without DATABASE_URL and those tests skip, saying why.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]  (runs COMMAND with DATABASE_URL set)" >&2
  exit 2
fi

say() { echo "postgres.sh: $*" >&2; }

# Debian keeps the server programs out of PATH, in /usr/lib/postgresql/VERSION/bin.
find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; fi
}

install_postgres() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL is not installed and there is no apt-get as root to install it"
    return 1
  fi
  say "installing Debian's postgresql"
  # As the Makefile's browser target does: a machine with package lists installs at once;
  # a fresh one (empty lists) updates them once and tries again.
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
    >/dev/null 2>&1 || {
    apt-get update >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
        >/dev/null 2>&1
  }
}

BINDIR=$(find_bindir)
if [ -z "$BINDIR" ]; then
  install_postgres || true
  BINDIR=$(find_bindir)
fi
if [ -z "$BINDIR" ]; then
  say "no PostgreSQL: running without DATABASE_URL (the PostgreSQL tests will skip)"
  exec "$@"
fi

# initdb and postgres refuse to run as root: as root, the cluster belongs to the
# `postgres` system user that Debian's package creates.
if [ "$(id -u)" = 0 ]; then
  # From the cluster's folder: the checkout may lie where that user may not enter.
  as_owner() { (cd "$CLUSTER" && runuser -u postgres -- "$@"); }
else
  as_owner() { "$@"; }
fi

# A free loopback port: bind port 0 and ask the kernel which one it gave.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 54329)
CLUSTER=$(mktemp -d /tmp/glassnet-postgres.XXXXXX)
chmod 755 "$CLUSTER"
[ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER"

stop_cluster() {
  as_owner "$BINDIR/pg_ctl" -D "$CLUSTER/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# trust on loopback and the socket: the cluster lives for one run, on this machine only.
as_owner "$BINDIR/initdb" -D "$CLUSTER/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$CLUSTER/initdb.log" 2>&1 || {
  cat "$CLUSTER/initdb.log" >&2
  say "initdb failed"
  exit 1
}
as_owner "$BINDIR/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$CLUSTER -c max_connections=200" \
  start >/dev/null || {
  cat "$CLUSTER/server.log" >&2
  say "the server did not start"
  exit 1
}

export DATABASE_URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
say "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') at $DATABASE_URL (cluster in $CLUSTER)"
# Not exec: the EXIT trap must run after the command to stop the cluster.
"$@"
