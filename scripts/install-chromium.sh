#!/usr/bin/env bash
# Installs Debian's chromium for the browser test of the example app's page,
# unless it is there already. Needs root (or sudo) and the Debian mirrors.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium
