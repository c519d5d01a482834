#!/usr/bin/env bash
# Prints the resident agent's cost under Xvfb with a session bus and a
# StatusNotifierWatcher (scripts/sniwatcher) standing in for the desktop's
# tray host:
#   - agent, tray only (start minimised): Pss and private memory of the
#     agent (from /proc/PID/smaps_rollup) and its CPU over DURATION s,
#     measured after 10 s idle;
#   - the same with the window open: agent + window process;
#   - Show to drawn window: from a second `callhook` launch (which asks the
#     agent to show its window) to the window being mapped, cold and warm.
# Aims: agent <= 30 MB Pss, <= 0.2 % CPU; Show to drawn <= 1 s warm.
#
#   scripts/gui-figures.sh                 # builds ./cmd/callhook, 60 s
#   DURATION=20 CALLHOOK_BIN=path scripts/gui-figures.sh
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
	(cd "$root" && go build -o "$tmp/sniwatcher" ./scripts/sniwatcher)
	mkdir -p "$tmp/home/.config" "$tmp/run" "$tmp/data"
	chmod 700 "$tmp/run"
	export CALLHOOK_FIG_INNER=1 CALLHOOK_FIG_TMP=$tmp CALLHOOK_FIG_BIN=$bin
	export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_RUNTIME_DIR=$tmp/run
	timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
	exit
fi

tmp=$CALLHOOK_FIG_TMP
bin=$CALLHOOK_FIG_BIN
duration=${DURATION:-60}
hz=$(getconf CLK_TCK)
cat >"$tmp/config.json" <<JSON
{
  "version": 1, "enabled": true, "user": "max", "country_code": "49",
  "source": {"mode": "none"},
  "hooks": [{"id": "crm", "name": "Open CRM", "enabled": true, "triggers": ["incoming.answer"],
             "action": "browser", "url": "https://crm.example.com/search?phone={remote|e164}"}],
  "ui": {"start_minimised": true}
}
JSON

"$tmp/sniwatcher" >"$tmp/watcher.log" 2>&1 &
watcher=$!
agent=""
cleanup() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null || true
	kill "$watcher" 2>/dev/null || true
}
trap cleanup EXIT
sleep 1

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kb() { awk -v k="$2:" '$1 == k {s += $2} END {print s + 0}' "/proc/$1/smaps_rollup"; }
now_ms() { date +%s%3N; }
window_pid() { pgrep -P "$agent" -f ' window$' || true; }

# report LABEL PIDS...: memory now, CPU over $duration s.
report() {
	local label=$1
	shift
	local t0=0 t1=0 pss=0 priv=0 p
	for p in "$@"; do t0=$((t0 + $(ticks "$p"))); done
	sleep "$duration"
	for p in "$@"; do
		t1=$((t1 + $(ticks "$p")))
		pss=$((pss + $(kb "$p" Pss)))
		priv=$((priv + $(kb "$p" Private_Clean) + $(kb "$p" Private_Dirty)))
	done
	awk -v l="$label" -v pss="$pss" -v priv="$priv" -v d=$((t1 - t0)) -v hz="$hz" -v s="$duration" 'BEGIN {
		printf "%-34s Pss %6.1f MB   private %6.1f MB   CPU %5.2f %% over %d s\n", l, pss/1024, priv/1024, 100*d/hz/s, s }'
}

# show: a second launch asks the agent for its window; prints the time
# until the window is mapped.
show() {
	local t0 t1 w=""
	t0=$(now_ms)
	"$bin" --config "$tmp/config.json" --data "$tmp/data" >>"$tmp/second.log" 2>&1
	for _ in $(seq 1 400); do
		w=$(xdotool search --onlyvisible --name '^Callhook$' 2>/dev/null | head -n1 || true)
		[ -n "$w" ] && break
		sleep 0.025
	done
	t1=$(now_ms)
	[ -n "$w" ] || { echo "gui-figures: no window after Show" >&2; cat "$tmp/agent.log" >&2; exit 1; }
	echo "$w $((t1 - t0))"
}

close_window() {
	local w=$1 p
	p=$(window_pid)
	xdotool windowfocus --sync "$w" key --clearmodifiers ctrl+w
	for _ in $(seq 1 200); do
		[ -z "$p" ] || ! kill -0 "$p" 2>/dev/null && return
		sleep 0.05
	done
	echo "gui-figures: the window did not close" >&2
	exit 1
}

"$bin" --config "$tmp/config.json" --data "$tmp/data" >"$tmp/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 100); do
	grep -q "registered" "$tmp/watcher.log" && break
	sleep 0.1
done
grep -q "registered" "$tmp/watcher.log" || { echo "gui-figures: the agent's tray item did not register" >&2; cat "$tmp/agent.log" >&2; exit 1; }
sleep 10
report "agent, tray only" "$agent"

read -r w cold < <(show)
sleep 10
report "agent + window open" "$agent" "$(window_pid)"
close_window "$w"
sleep 2
read -r w warm1 < <(show)
close_window "$w"
sleep 2
read -r w warm2 < <(show)
close_window "$w"
echo "Show to drawn window: first ${cold} ms, then ${warm1} ms and ${warm2} ms"
sleep 10
report "agent after the window closed" "$agent"
