#!/usr/bin/env bash
# Photographs the window walkthrough for the docs: runs TestWindowWalkthrough
# (the real window under Xvfb, driven from the keyboard with xdotool; see
# cmd/callhook/e2e_window_test.go) inside a throwaway session with a real
# gnome-keyring, and keeps its screenshots, every step in English and in
# German, in docs/walkthrough/ (docs/walkthrough/README.md shows them).
#
#   scripts/window-walkthrough.sh            # or: make docs-screens
#   CALLHOOK_DOCS_OUT=dir scripts/window-walkthrough.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${CALLHOOK_DOCS_OUT:-$root/docs/walkthrough}
case $out in /*) ;; *) out=$PWD/$out ;; esac # go test runs in cmd/callhook
mkdir -p "$out"
# A screenshot that is not retaken must not stay behind looking current.
rm -f "$out"/*.png
cd "$root"
CALLHOOK_REQUIRE_PEERS=1 CALLHOOK_DOCS_OUT="$out" scripts/with-session.sh \
	go test -count=1 -run '^TestWindowWalkthrough$' -v ./cmd/callhook
echo "window-walkthrough: $(ls "$out"/*.png | wc -l) screenshots in $out"
