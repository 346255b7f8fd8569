#!/usr/bin/env bash
# Times schemabridge beside the tools users would pick instead, on the same
# N-table model, with the shared anchor harness (see ../shared/bench/RESULTS.md).
#
#   bench/compare.sh [N ...]          default: 1000
#
# Environment: SHARED=../shared/bench, WORK=/tmp/sb-compare, RUNS=5, WARMUP=1,
# TOOLS="schemabridge qt-ts qt-rs typify typify-nb typeshare prost" (a subset to run).
# Anchor tools are not installed by this script; to install the versions of
# RESULTS.md:
#   mkdir -p /tmp/qt && (cd /tmp/qt && npm install quicktype@26.0.0)
#   cargo install cargo-typify --version 0.8.0
#   cargo install typeshare-cli --version 1.13.4
#   apt-get install -y protobuf-compiler && cargo install protoc-gen-prost --version 0.5.0
# A tool that is missing is skipped, not failed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$HERE/../shared/bench}"
WORK="${WORK:-/tmp/sb-compare}"
RUNS="${RUNS:-5}"; WARMUP="${WARMUP:-1}"
TOOLS="${TOOLS:-schemabridge qt-ts qt-rs typify typify-nb typeshare prost}"
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(1000)
want() { [[ " $TOOLS " == *" $1 "* ]]; }
have() { command -v "$1" >/dev/null 2>&1; }

(cd "$HERE" && cargo build --release --quiet)
SB="$HERE/target/release/schemabridge"
QUICKTYPE="${QUICKTYPE:-$(command -v quicktype || echo /tmp/qt/node_modules/.bin/quicktype)}"

mkdir -p "$WORK"
printf 'tool\tN\truns\twall_min\twall_median\twall_max\tcpu_median\tpeak_mib_median\tpeak_mib_max\texit_codes\n'
measure() { # LABEL N OUTPUT -- CMD...
  local label="$1" n="$2" output="$3"; shift 4
  local line
  line="$(python3 "$SHARED/harness.py" --runs "$RUNS" --warmup "$WARMUP" --clean "$output" --label "$label" -- "$@")"
  printf '%s\t%s\t%s\n' "$label" "$n" "$(cut -f2- <<<"$line")"
}

for N in "${SIZES[@]}"; do
  D="$WORK/n$N"; O="$D/out"
  python3 "$SHARED/make_inputs.py" "$N" "$D" >/dev/null
  rm -rf "$O"; mkdir -p "$O"
  want schemabridge && measure schemabridge-generate "$N" "$O/sb" -- \
    sh -c 'exec "$0" generate "$1" --rust-out "$2/schema.rs" --ts-out "$2/ts"' "$SB" "$D/schema.yaml" "$O/sb"
  want schemabridge && measure schemabridge-check "$N" "" -- "$SB" check "$D/schema.yaml"
  if want qt-ts && [ -x "$QUICKTYPE" ]; then
    measure quicktype-ts "$N" "$O/qt.ts" -- "$QUICKTYPE" -s schema "$D/schema.json#/\$defs/" -l ts -o "$O/qt.ts"
  fi
  if want qt-rs && [ -x "$QUICKTYPE" ]; then
    measure quicktype-rust "$N" "$O/qt.rs" -- "$QUICKTYPE" -s schema "$D/schema.json#/\$defs/" -l rust -o "$O/qt.rs"
  fi
  if want typify && have cargo-typify; then
    measure typify "$N" "$O/typify.rs" -- cargo-typify typify "$D/schema.json" -o "$O/typify.rs"
  fi
  if want typify-nb && have cargo-typify; then
    measure typify-no-builder "$N" "$O/typify_nb.rs" -- cargo-typify typify -B "$D/schema.json" -o "$O/typify_nb.rs"
  fi
  if want typeshare && have typeshare; then
    measure typeshare-ts "$N" "$O/typeshare.ts" -- typeshare "$D/ts_src" --lang=typescript "--output-file=$O/typeshare.ts"
  fi
  if want prost && have protoc && have protoc-gen-prost; then
    measure protoc-prost "$N" "$O/prost" -- \
      sh -c 'mkdir -p "$1" && exec protoc -I"$2" --prost_out="$1" "$2/model.proto"' protoc "$O/prost" "$D"
  fi
done
