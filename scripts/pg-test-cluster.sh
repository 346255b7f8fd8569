#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store's conformance tests.
#
#   eval "$(scripts/pg-test-cluster.sh start)"   # prints `export SCHEMABRIDGE_TEST_POSTGRES_URL=…`
#   cargo test -p schemabridge-runtime --test store
#   scripts/pg-test-cluster.sh stop
#
# The cluster lives in $SCHEMABRIDGE_PG_DIR. The default folder is derived from
# this checkout's path (/tmp/schemabridge-pg-<hash>), so each checkout or worktree
# gets its own cluster and one checkout's `stop` never stops another's. It
# listens on a free port of 127.0.0.1, trusts local connections and skips fsync:
# it holds test data only. Run as root, the server runs as the `postgres` user.
set -euo pipefail

checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
dir="${SCHEMABRIDGE_PG_DIR:-/tmp/schemabridge-pg-$(printf '%s' "$checkout" | sha256sum | cut -c1-12)}"
bin="${SCHEMABRIDGE_PG_BIN:-}"
if [[ -z "$bin" ]]; then
    for candidate in /usr/local/bin /usr/lib/postgresql/15/bin; do
        if [[ -x "$candidate/pg_ctl" ]]; then bin="$candidate"; break; fi
    done
fi
[[ -x "$bin/pg_ctl" ]] || { echo "pg-test-cluster: no pg_ctl found (set SCHEMABRIDGE_PG_BIN)" >&2; exit 1; }

# Runs a command as the cluster's owner.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "${1:-}" in
start)
    if [[ -f "$dir/port" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        echo "export SCHEMABRIDGE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
        exit 0
    fi
    # A cluster left behind (a crashed run) is stopped before it is replaced.
    if [[ -d "$dir/data" ]]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ "$(id -u)" == 0 ]] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(free_port)"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "export SCHEMABRIDGE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [[ -d "$dir/data" ]]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
