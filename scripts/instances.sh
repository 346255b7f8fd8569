#!/usr/bin/env bash
# Several instances of the example app on one PostgreSQL database (docs/scale-out.md).
#
#   scripts/instances.sh --db postgres://USER@HOST:PORT/DB [-n 2] [--port 3000] [--release]
#
# Builds the example app, starts N instances on 127.0.0.1:PORT, PORT+1, …, waits
# until each answers GET /api/_health, prints their URLs, and stays in the
# foreground. Ctrl-C (or SIGTERM) stops the instances it started, and only those.
# Put any load balancer in front of the printed URLs; a client may talk to any.
# For a throwaway database: eval "$(scripts/pg-test-cluster.sh start)" and pass
# --db "$SCHEMABRIDGE_TEST_POSTGRES_URL".
set -euo pipefail

count=2
port=3000
db=""
profile=debug
usage() { echo "usage: $0 --db postgres://… [-n N] [--port FIRST] [--release]" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
    case "$1" in
    -n) count="${2:-}"; shift 2 ;;
    --port) port="${2:-}"; shift 2 ;;
    --db) db="${2:-}"; shift 2 ;;
    --release) profile=release; shift ;;
    -h|--help) usage ;;
    *) echo "instances: unknown argument $1" >&2; usage ;;
    esac
done
[[ "$db" == postgres://* || "$db" == postgresql://* ]] \
    || { echo "instances: --db must be a postgres:// URL: instances share one PostgreSQL database" >&2; exit 2; }
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "instances: -n must be a positive number" >&2; exit 2; }
[[ "$port" =~ ^[0-9]+$ ]] && (( port + count - 1 <= 65535 )) || { echo "instances: bad --port $port" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
build=(cargo build --quiet -p example-app)
[[ "$profile" == release ]] && build+=(--release)
"${build[@]}"
app="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/$profile/example-app"

logs="$(mktemp -d /tmp/sb-instances.XXXXXX)"
pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

for ((i = 0; i < count; i++)); do
    "$app" --db "$db" --listen "127.0.0.1:$((port + i))" >"$logs/$i.log" 2>&1 &
    pids+=("$!")
done

# Instances evolve the schema in turn at start-up (an advisory lock), so one may
# wait for another; a debug build on a busy machine takes a while.
for ((i = 0; i < count; i++)); do
    url="http://127.0.0.1:$((port + i))"
    for ((try = 0; ; try++)); do
        if ! kill -0 "${pids[$i]}" 2>/dev/null; then
            echo "instances: instance $i ($url) exited:" >&2; cat "$logs/$i.log" >&2; exit 1
        fi
        if health="$(curl -fsS "$url/api/_health" 2>/dev/null)"; then
            echo "$url  pid ${pids[$i]}  $health  log $logs/$i.log"
            break
        fi
        (( try < 600 )) || { echo "instances: instance $i ($url) did not answer in 60 s" >&2; exit 1; }
        sleep 0.1
    done
done
echo "$count instances on one database; Ctrl-C stops them."
wait -n "${pids[@]}" || true
echo "instances: an instance stopped; stopping the others" >&2
