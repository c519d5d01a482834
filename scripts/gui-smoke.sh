#!/usr/bin/env bash
# GUI smoke test: builds callhook, starts the desktop app under Xvfb with a
# private session bus, a temporary HOME and a config holding one hook,
# waits for the window, checks a screenshot is not blank, stops the app
# with SIGTERM and checks it exits 0 without rewriting the config file.
#
#   scripts/gui-smoke.sh            # builds ./cmd/callhook
#   CALLHOOK_BIN=path scripts/gui-smoke.sh
#
# Leaves the screenshot and the app's log in $CALLHOOK_SMOKE_OUT if set.
set -euo pipefail

if [ "${CALLHOOK_SMOKE_INNER:-}" != 1 ]; then
	root=$(cd "$(dirname "$0")/.." && pwd)
	tmp=$(mktemp -d /tmp/callhook-gui-smoke.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	bin=${CALLHOOK_BIN:-}
	if [ -z "$bin" ]; then
		echo "gui-smoke: building ./cmd/callhook (the first cgo build of fyne takes minutes)"
		(cd "$root" && go build -o "$tmp/callhook" ./cmd/callhook)
		bin=$tmp/callhook
	fi
	mkdir -p "$tmp/home/.config" "$tmp/run" "$tmp/data"
	chmod 700 "$tmp/run"
	cat >"$tmp/config.json" <<'JSON'
{
  "version": 1,
  "enabled": true,
  "user": "max",
  "country_code": "49",
  "source": {"mode": "none"},
  "hooks": [
    {"id": "crm", "name": "Open CRM", "enabled": true, "triggers": ["incoming.answer"],
     "action": "browser", "url": "https://crm.example.com/search?phone={remote|e164}"}
  ]
}
JSON
	cp "$tmp/config.json" "$tmp/config.orig"
	export CALLHOOK_SMOKE_INNER=1 CALLHOOK_SMOKE_TMP=$tmp CALLHOOK_SMOKE_BIN=$bin
	export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_RUNTIME_DIR=$tmp/run
	rc=0
	timeout 180 xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@" || rc=$?
	if [ -n "${CALLHOOK_SMOKE_OUT:-}" ]; then
		mkdir -p "$CALLHOOK_SMOKE_OUT"
		cp "$tmp"/shot.png "$tmp"/app.log "$CALLHOOK_SMOKE_OUT"/ 2>/dev/null || true
	fi
	[ $rc -eq 0 ] && echo "gui-smoke: OK" || echo "gui-smoke: FAILED" >&2
	exit $rc
fi

# Inside Xvfb and the session bus.
tmp=$CALLHOOK_SMOKE_TMP
fail() {
	echo "gui-smoke: $*" >&2
	echo "--- app log:" >&2
	cat "$tmp/app.log" >&2 || true
	kill -KILL "$pid" 2>/dev/null || true
	exit 1
}

"$CALLHOOK_SMOKE_BIN" --config "$tmp/config.json" --data "$tmp/data" >"$tmp/app.log" 2>&1 &
pid=$!

win=""
for _ in $(seq 1 300); do
	win=$(xdotool search --name '^Callhook$' 2>/dev/null | head -n1 || true)
	[ -n "$win" ] && break
	kill -0 "$pid" 2>/dev/null || fail "the app exited before showing its window"
	sleep 0.2
done
[ -n "$win" ] || fail "no window named Callhook after 60s"
echo "gui-smoke: window $win is up"

# Give the first frames time to paint, then look.
sleep 3
import -window root "$tmp/shot.png" || fail "screenshot failed"
colours=$(identify -format %k "$tmp/shot.png")
echo "gui-smoke: screenshot has $colours colours"
[ "$colours" -gt 32 ] || fail "the screen looks blank ($colours colours)"

kill -TERM "$pid"
rc=0
for _ in $(seq 1 100); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "the app did not exit within 10s of SIGTERM"
wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM, want 0"
cmp -s "$tmp/config.json" "$tmp/config.orig" || fail "the config file changed although nothing was edited"
echo "gui-smoke: exited 0, config unchanged"
