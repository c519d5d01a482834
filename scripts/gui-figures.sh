#!/usr/bin/env bash
# Prints the desktop app's memory (Pss and private memory, from
# /proc/PID/smaps_rollup) and idle CPU, measured under Xvfb 10 s after
# start, over the following 10 s: once with the window shown, once hidden
# in the tray (start_minimised; CALLHOOK_TRAY=1 stands in for a tray host).
# Aims: <= 60 MB private, <= 0.2 % CPU hidden.
#
#   scripts/gui-figures.sh            # builds ./cmd/callhook
#   CALLHOOK_BIN=path scripts/gui-figures.sh
set -euo pipefail

if [ "${CALLHOOK_FIG_INNER:-}" != 1 ]; then
	root=$(cd "$(dirname "$0")/.." && pwd)
	tmp=$(mktemp -d /tmp/callhook-figures.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	bin=${CALLHOOK_BIN:-}
	if [ -z "$bin" ]; then
		(cd "$root" && go build -o "$tmp/callhook" ./cmd/callhook)
		bin=$tmp/callhook
	fi
	mkdir -p "$tmp/home/.config" "$tmp/run" "$tmp/data"
	chmod 700 "$tmp/run"
	export CALLHOOK_FIG_INNER=1 CALLHOOK_FIG_TMP=$tmp CALLHOOK_FIG_BIN=$bin
	export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_RUNTIME_DIR=$tmp/run
	timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
	exit
fi

tmp=$CALLHOOK_FIG_TMP
hz=$(getconf CLK_TCK)

config() { # $1: start minimised (true/false)
	cat >"$tmp/config.json" <<JSON
{
  "version": 1, "enabled": true, "user": "max", "country_code": "49",
  "source": {"mode": "none"},
  "hooks": [{"id": "crm", "name": "Open CRM", "enabled": true, "triggers": ["incoming.answer"],
             "action": "browser", "url": "https://crm.example.com/search?phone={remote|e164}"}],
  "ui": {"start_minimised": $1}
}
JSON
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/smaps_rollup"; }

measure() { # $1: label, $2: CALLHOOK_TRAY value, $3: start minimised
	config "$3"
	CALLHOOK_TRAY=$2 "$CALLHOOK_FIG_BIN" --config "$tmp/config.json" --data "$tmp/data" >"$tmp/app.log" 2>&1 &
	local pid=$!
	sleep 10
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/app.log" >&2; echo "gui-figures: the app exited" >&2; exit 1; }
	local t0 t1
	t0=$(ticks "$pid")
	sleep 10
	t1=$(ticks "$pid")
	local pss priv
	pss=$(kb "$pid" Pss)
	priv=$(($(kb "$pid" Private_Clean) + $(kb "$pid" Private_Dirty)))
	awk -v l="$1" -v pss="$pss" -v priv="$priv" -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN {
		printf "%-14s Pss %6.1f MB   private %6.1f MB   idle CPU %5.2f %%\n", l, pss/1024, priv/1024, 100*d/hz/10 }'
	kill -TERM "$pid"
	wait "$pid" || true
}

measure "window shown" 0 false
measure "hidden (tray)" 1 true
