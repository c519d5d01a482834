#!/usr/bin/env bash
# Runs a command inside a throwaway desktop session: a private session D-Bus
# (dbus-run-session) with a real, unlocked gnome-keyring answering
# org.freedesktop.secrets, in a temporary HOME and XDG_RUNTIME_DIR. Tests
# that use the OS keychain or a tray need this; the command's exit code is
# passed through.
#
#   scripts/with-session.sh go test ./...
set -euo pipefail
if [ "${CALLHOOK_IN_SESSION:-}" != 1 ]; then
	tmp=$(mktemp -d /tmp/callhook-session.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/home" "$tmp/run"
	chmod 700 "$tmp/run"
	export CALLHOOK_SESSION_TMP="$tmp" CALLHOOK_REAL_HOME="$HOME"
	# Keep the Go caches of the real home, so a fresh HOME does not mean a cold build.
	export GOCACHE="${GOCACHE:-$(go env GOCACHE)}" GOMODCACHE="${GOMODCACHE:-$(go env GOMODCACHE)}" GOPATH="${GOPATH:-$(go env GOPATH)}"
	export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share"
	export CALLHOOK_IN_SESSION=1
	rc=0
	dbus-run-session -- "$0" "$@" || rc=$?
	exit $rc
fi

# Inside the session bus: start the keyring with a throwaway password.
echo -n "callhook-test" | gnome-keyring-daemon --foreground --unlock --components=secrets >"$CALLHOOK_SESSION_TMP/keyring.log" 2>&1 &
keyring=$!
trap 'kill $keyring 2>/dev/null || true; wait $keyring 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
	if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
		break
	fi
	sleep 0.1
done
if ! dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
	echo "with-session: gnome-keyring did not appear on the session bus:" >&2
	cat "$CALLHOOK_SESSION_TMP/keyring.log" >&2
	exit 1
fi
export CALLHOOK_KEYRING=1
"$@"
