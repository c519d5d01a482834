#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages of scripts/apt-packages.txt (and any
# named as arguments) that are missing. Runs apt-get only when something is missing, so `make run` and
# `make test` stay fast on a machine that has everything.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t want < <(grep -v '^\s*#' "$here/apt-packages.txt" | grep -v '^\s*$')
# Extra packages a target needs beyond the list (e.g. tshark for bench-remote).
want+=("$@")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
	echo "deps: Go is not installed; install Go 1.26+ (https://go.dev/doc/install) and re-run" >&2
	exit 1
fi
