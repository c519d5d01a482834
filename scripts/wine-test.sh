#!/usr/bin/env bash
# `make test-windows`: the Windows build of Callhook, run for real under
# Wine (Debian 12: Wine 8.0) and Xvfb, against a webhook receiver that
# runs natively on Linux (Wine shares 127.0.0.1 with it).
#
#   config    config init / path / check: config and journal under %AppData%
#   simulate  GET, POST and signed POST hooks (key from CALLHOOK_SECRET_<NAME>)
#   secret    `secret set` into the Windows credential store, then a signed
#             delivery with no environment override
#   history   history --json lists every delivery as delivered
#   restart   receiver answers 503, simulate --wait 1s leaves it pending
#             (exit 1), `run` delivers it with the same webhook-id, then
#             stops on Ctrl-C (SIGINT, which Wine turns into CTRL_C_EVENT)
#   agent     the GUI build with no arguments (CALLHOOK_TRAY=0): its window,
#             a screenshot that is not blank, a clean stop
#   window    Callhook's real window on a real engine in one process
#             (scripts/wine/windowprobe), which needs no control socket
#
# A step Wine cannot carry (Wine 8.0 has no AF_UNIX sockets, which the
# agent's control API needs) is reported as "cannot" with Wine's error;
# every other outcome than "pass" fails the run. Prints each step's time.
#
#   scripts/wine-test.sh [VERSION]
#   CALLHOOK_WINE_OUT=dir scripts/wine-test.sh   # keep logs and screenshots
#   CALLHOOK_WINE_KEEP=1 scripts/wine-test.sh    # keep the temp dir and prefix
#
# Installs wine64, wine and gcc-mingw-w64-x86-64 when missing (through
# scripts/deps.sh, with the rest of apt-packages.txt). Go >= 1.22
# programs need bcryptprimitives.dll!ProcessPrng, which Wine has only from
# 8.13: the throwaway prefix gets a shim (scripts/wine/prng_shim.c).
set -euo pipefail

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [ "${CALLHOOK_WINE_INNER:-}" != 1 ]; then
	root=$(cd "$(dirname "$0")/.." && pwd)
	cd "$root"
	version=${1:-dev}
	t_all=$(now)
	tmp=$(mktemp -d /tmp/callhook-wine.XXXXXX)
	export WINEPREFIX=$tmp/prefix WINEARCH=win64 WINEDEBUG=-all
	# No Mono or Gecko install prompts, no menu entries in ~/.local.
	export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe="
	cleanup() {
		timeout 20 wineserver -k 2>/dev/null || true
		[ ! -s "$tmp/hookrecv.pid" ] || kill "$(cat "$tmp/hookrecv.pid")" 2>/dev/null || true
		if [ -n "${CALLHOOK_WINE_OUT:-}" ]; then
			mkdir -p "$CALLHOOK_WINE_OUT"
			cp "$tmp"/*.log "$tmp"/*.out "$tmp"/*.png "$tmp"/requests.jsonl "$tmp"/figures "$CALLHOOK_WINE_OUT"/ 2>/dev/null || true
		fi
		if [ "${CALLHOOK_WINE_KEEP:-}" = 1 ]; then
			echo "wine-test: kept $tmp"
		else
			rm -rf "$tmp"
		fi
	}
	trap cleanup EXIT

	t=$(now)
	scripts/deps.sh wine64 wine gcc-mingw-w64-x86-64
	echo "install|$(since "$t")|pass|apt packages present or installed" >>"$tmp/figures"

	# Built the way scripts/dist.sh builds the release: a console build
	# for the CLI, -H=windowsgui for the desktop app.
	echo "wine-test: cross-building callhook.exe (the first cgo build of fyne for Windows takes minutes)"
	t=$(now)
	ldflags="-X main.version=$version"
	timeout 600 go build -o "$tmp/hookrecv" ./scripts/wine/hookrecv
	x86_64-w64-mingw32-gcc -shared -O2 -o "$tmp/bcryptprimitives.dll" scripts/wine/prng_shim.c -lbcrypt
	(
		export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
		b=$(now)
		timeout 1800 go build -ldflags "$ldflags" -o "$tmp/callhook.exe" ./cmd/callhook
		echo "build callhook.exe (console)|$(since "$b")|pass|" >>"$tmp/figures"
		b=$(now)
		timeout 600 go build -ldflags "$ldflags -H=windowsgui" -o "$tmp/callhook-gui.exe" ./cmd/callhook
		echo "build callhook.exe (windowsgui)|$(since "$b")|pass|" >>"$tmp/figures"
		b=$(now)
		timeout 600 go build -ldflags "-H=windowsgui" -o "$tmp/windowprobe.exe" ./scripts/wine/windowprobe
		echo "build windowprobe.exe|$(since "$b")|pass|" >>"$tmp/figures"
	)
	echo "build (all)|$(since "$t")|pass|" >>"$tmp/figures"

	# Wine links the prefix's user folders to $HOME's and writes menu
	# entries there: give it a home of its own.
	mkdir -p "$tmp/home"
	rc=0
	HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_HOME=$tmp/home/.local/share \
		XDG_CACHE_HOME=$tmp/home/.cache CALLHOOK_WINE_INNER=1 CALLHOOK_WINE_TMP=$tmp \
		timeout 900 xvfb-run -a -s "-screen 0 1280x800x24" "$0" || rc=$?
	[ $rc -eq 0 ] || echo "wine-test: the Wine steps ended with exit code $rc" >&2

	echo
	echo "wine-test figures ($(wine --version 2>/dev/null || echo 'wine ?'), $(nproc) cores)"
	printf '  %-34s %8s  %-6s %s\n' step seconds result note
	while IFS='|' read -r name secs result note; do
		printf '  %-34s %8s  %-6s %s\n' "$name" "$secs" "$result" "$note"
		[ "$result" = pass ] || [ "$result" = cannot ] || rc=1
	done <"$tmp/figures"
	printf '  %-34s %8s\n' total "$(since "$t_all")"
	[ $rc -eq 0 ] && echo "wine-test: OK" || echo "wine-test: FAILED" >&2
	exit $rc
fi

# Inside Xvfb. Every step runs in a subshell with set -e and its own
# time; exit 3 means "Wine cannot", anything else but 0 is a failure.
tmp=$CALLHOOK_WINE_TMP
figures=$tmp/figures
requests=$tmp/requests.jsonl
answer=$tmp/answer
exe=$tmp/callhook.exe

# win runs the console build with a time limit (WIN_T seconds, default 60).
win() { timeout "${WIN_T:-60}" wine "$exe" "$@"; }
# lines prints the receiver's log lines after line $1.
lines() { tail -n +"$(($1 + 1))" "$requests"; }
count() { wc -l <"$requests"; }
# field prints a JSON line's string field (the receiver writes compact
# JSON with no escaped quotes in these fields).
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
cannot() {
	echo "$*" | head -n1 >"$tmp/cannot"
	echo "CANNOT: $*" >&2
	exit 3
}

# run_step runs step function $2 as step $1; once a step named in
# $needed has failed, the rest are not run.
needed=" prefix config "
broken=""
run_step() {
	local name=$1 fn=$2 t rc result note
	# WINE_TEST_ONLY="agent window" runs those steps after the needed ones
	# (for chasing one step; CI runs all).
	if [ -n "${WINE_TEST_ONLY:-}" ] && [[ $needed != *" $name "* ]] && [[ " $WINE_TEST_ONLY " != *" $name "* ]]; then
		return
	fi
	if [ -n "$broken" ]; then
		echo "$name|0.0|skipped|$broken failed" >>"$figures"
		return
	fi
	echo
	echo "=== $name"
	rm -f "$tmp/note" "$tmp/cannot"
	t=$(now)
	# To a file, not through a pipe: Wine's own processes (wineserver,
	# winedevice.exe, explorer.exe) outlive the step holding its stdout.
	set +e
	(
		set -e
		"$fn"
	) >"$tmp/step-$name.log" 2>&1 </dev/null
	rc=$?
	set -e
	cat "$tmp/step-$name.log"
	case $rc in
	0) result=pass ;;
	3) result=cannot ;;
	*) result=FAIL ;;
	esac
	note=$(cat "$tmp/note" "$tmp/cannot" 2>/dev/null | tr '|' / | awk 'NR > 1 { printf "; " } { printf "%s", $0 }' || true)
	echo "$name|$(since "$t")|$result|$note" >>"$figures"
	if [ $result = FAIL ] && [[ $needed == *" $name "* ]]; then
		broken=$name
	fi
	echo "--- $name: $result"
}
say() { echo "$*" | tee -a "$tmp/note"; }

# wait_for polls the command in $2.. every 0.2 s for up to $1 seconds.
wait_for() {
	local secs=$1
	shift
	for _ in $(seq 1 $((secs * 5))); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

step_prefix() {
	# One wineserver for the whole run: each wine call starts faster.
	mkdir -p "$WINEPREFIX"
	wineserver -p
	timeout 180 wineboot -i
	[ -d "$WINEPREFIX/drive_c/windows/system32" ] || fail "wineboot made no prefix"
	# Wine 8.13 and later have bcryptprimitives.dll: keep theirs.
	if [ -e "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
		say "Wine has bcryptprimitives.dll: no shim"
	else
		cp "$tmp/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
		say "bcryptprimitives.dll shim installed (ProcessPrng via BCryptGenRandom)"
	fi
	appdata=$(timeout 30 wine cmd /c echo %APPDATA% | tr -d '\r')
	echo "$appdata" >"$tmp/appdata"
	say "$(wine --version), %AppData% is $appdata"
	win version
}

step_config() {
	local appdata appdata_unix out
	appdata=$(cat "$tmp/appdata")
	appdata_unix=$(timeout 30 winepath -u "$appdata")
	out=$(win config init)
	echo "$out"
	grep -qxF "wrote $appdata\\callhook\\config.json" <<<"$out" || fail "config init wrote elsewhere than %AppData%\\callhook"
	win config path
	[ -f "$appdata_unix/callhook/config.json" ] || fail "no $appdata_unix/callhook/config.json in the prefix"
	win config check
	# The test hooks, all to the receiver on Linux.
	local url
	url="http://$(cat "$tmp/addr")"
	cat >"$appdata_unix/callhook/config.json" <<JSON
{
  "version": 1,
  "enabled": true,
  "user": "max",
  "country_code": "49",
  "source": {"mode": "none"},
  "hooks": [
    {"id": "get", "enabled": true, "triggers": ["incoming.ring"], "action": "get",
     "url": "$url/get?phone={remote|e164}&name={remote_name}&trigger={trigger}"},
    {"id": "post", "enabled": true, "triggers": ["incoming.answer"], "action": "post",
     "url": "$url/post",
     "body": "{\"event\":\"{trigger}\",\"caller\":\"{remote|e164}\",\"name\":\"{remote_name}\"}"},
    {"id": "signed", "enabled": true, "triggers": ["incoming.hangup"], "action": "post",
     "url": "$url/signed", "body": "{json}", "signing_secret": "hooksig", "retries": 20}
  ]
}
JSON
	out=$(win config check)
	echo "$out"
	grep -qxF "$appdata\\callhook\\config.json: ok (3 hooks, source none)" <<<"$out" || fail "config check: $out"
	say "config $appdata\\callhook\\config.json"
}

# check_call checks the three deliveries of one simulated call in the
# receiver's log after line $1; the signature must verify.
check_call() {
	local got get post signed
	got=$(lines "$1")
	echo "$got"
	[ "$(echo "$got" | wc -l)" -eq 3 ] || fail "want 3 requests, got $(echo "$got" | grep -c . || true)"
	get=$(echo "$got" | grep '"hook":"get"') || fail "no GET delivery"
	post=$(echo "$got" | grep '"hook":"post"') || fail "no POST delivery"
	signed=$(echo "$got" | grep '"hook":"signed"') || fail "no signed delivery"
	echo "$get" | grep -q '"method":"GET"' || fail "get hook: method is not GET"
	[ "$(echo "$get" | field query)" = "phone=%2B4930123456&name=Jane%20Doe&trigger=incoming.ring" ] ||
		fail "get hook: query $(echo "$get" | field query)"
	echo "$post" | grep -q '"method":"POST"' || fail "post hook: method is not POST"
	echo "$post" | grep -qF '"body":"{\"event\":\"incoming.answer\",\"caller\":\"+4930123456\",\"name\":\"Jane Doe\"}"' ||
		fail "post hook: unexpected body"
	[ "$(echo "$post" | field content_type)" = application/json ] || fail "post hook: content type"
	[ "$(echo "$post" | field sig)" = none ] || fail "post hook: carries a signature"
	echo "$signed" | grep -q '"method":"POST"' || fail "signed hook: method is not POST"
	echo "$signed" | grep -q '\\"trigger\\":\\"incoming.hangup\\"' || fail "signed hook: body is not the call record"
	[ "$(echo "$signed" | field sig)" = ok ] || fail "signed hook: signature $(echo "$signed" | field sig)"
}

# simulate_call plays one call; with $1 = nokey without the key in the
# environment. It records when simulate cannot reach past the control
# socket (Wine has no AF_UNIX: see no_afunix) and stops the step as
# "cannot".
simulate_call() {
	local rc=0 secs=${WAIT:-20s}
	local env=(CALLHOOK_SECRET_HOOKSIG="$HOOKRECV_KEY")
	[ "${1:-}" != nokey ] || env=()
	env "${env[@]}" timeout 60 wine "$exe" simulate --direction in --remote +4930123456 --name "Jane Doe" \
		--answer-after 300ms --hangup-after 300ms --wait "$secs" >"$tmp/simulate.out" 2>&1 || rc=$?
	cat "$tmp/simulate.out"
	if [ $rc -ne 0 ] && grep -q 'control.sock: socket: winapi error #10047' "$tmp/simulate.out"; then
		touch "$tmp/no-afunix"
		cannot "simulate exits $rc before playing the call: dial unix ...\\control.sock: socket: winapi error #10047" \
			"(WSAEAFNOSUPPORT: no AF_UNIX in this Wine), which internal/control does not take for 'no agent runs'"
	fi
	return $rc
}

# no_afunix stops a step that needs simulate once simulate could not run.
no_afunix() {
	[ ! -e "$tmp/no-afunix" ] || cannot "$* (simulate cannot run: see the simulate step)"
}

step_simulate() {
	local n0 appdata_unix
	n0=$(count)
	simulate_call
	check_call "$n0"
	appdata_unix=$(timeout 30 winepath -u "$(cat "$tmp/appdata")")
	[ -f "$appdata_unix/callhook/journal.db" ] || fail "no journal.db under %AppData%\\callhook"
	say "GET, POST and signed POST arrived as configured; the signature verifies (key from CALLHOOK_SECRET_HOOKSIG); journal $(cat "$tmp/appdata")\\callhook\\journal.db"
}

step_secret() {
	local n0 out
	if ! out=$(printf '%s' "$HOOKRECV_KEY" | win secret set hooksig 2>&1); then
		echo "$out"
		cannot "secret set: $out"
	fi
	echo "$out"
	say "secret set stores the key in Wine's credential store (wincred)"
	no_afunix "a signed delivery with the stored key"
	n0=$(count)
	# No CALLHOOK_SECRET_HOOKSIG here: the key must come from the store.
	simulate_call nokey
	check_call "$n0"
	say "a signed delivery with no environment override verifies"
	win secret delete hooksig
	if out=$(win secret delete hooksig 2>&1); then
		fail "a second secret delete succeeded: $out"
	fi
	echo "$out"
	grep -q 'not found' <<<"$out" || fail "a second secret delete: $out"
}

step_history() {
	local out
	out=$(win history --json)
	echo "$out" >"$tmp/history.json"
	no_afunix "history --json runs and prints $(tr -d ' \n' <"$tmp/history.json"): there are no deliveries to list"
	python3 - "$tmp/history.json" "$requests" <<'PY'
import json, sys
calls = json.load(open(sys.argv[1]))
got = [json.loads(l) for l in open(sys.argv[2])]
byid = {d["webhook_id"]: d for c in calls for d in c["deliveries"]}
print(f"history: {len(calls)} calls, {len(byid)} deliveries")
for c in calls:
    for d in c["deliveries"]:
        print(f'  {d["webhook_id"]} {d["hook"]:7} {d["trigger"]:16} {d["state"]} HTTP {d.get("status_code")} attempts {d["attempts"]}')
bad = [r["webhook_id"] for r in got
       if r["status"] == 200 and (r["webhook_id"] not in byid or byid[r["webhook_id"]]["state"] != "delivered")]
if bad:
    sys.exit(f"FAIL: received but not delivered in history: {bad}")
if len(calls) < 2 or len(byid) < 6:
    sys.exit("FAIL: want at least 2 calls and 6 deliveries")
PY
	say "history --json lists $(grep -o '"webhook_id"' "$tmp/history.json" | wc -l) deliveries, every one received is delivered"
}

step_restart() {
	local n0 rc=0 pending="" pid
	# A delivery left pending: the receiver fails, simulate gives up
	# waiting after 1 s and exits 1.
	if [ ! -e "$tmp/no-afunix" ]; then
		echo 503 >"$answer"
		n0=$(count)
		WAIT=1s simulate_call || rc=$?
		[ $rc -eq 1 ] || fail "simulate against a failing receiver exited $rc, want 1"
		pending=$(lines "$n0" | grep '"status":503' | field webhook_id | sort -u)
		[ -n "$pending" ] || fail "no attempt reached the receiver"
		echo "pending after simulate: $(echo "$pending" | wc -l) deliveries"
	fi
	echo 200 >"$answer"

	n0=$(count)
	# --foreground: timeout passes our SIGINT on to wine only. Without it,
	# timeout also signals its whole process group, Wine raises a second
	# CTRL_C_EVENT, and that one (after run has stopped listening for
	# interrupts, as a second Ctrl-C on Windows would) ends the process
	# before it drains: exit 0 and no shutdown line, about one run in five.
	CALLHOOK_SECRET_HOOKSIG=$HOOKRECV_KEY timeout --foreground 120 wine "$exe" run >"$tmp/run.out" 2>&1 &
	pid=$!
	wait_for 30 grep -q 'callhook running' "$tmp/run.out" || {
		cat "$tmp/run.out"
		fail "run did not start within 30 s"
	}
	delivered() {
		local id
		for id in $pending; do
			lines "$n0" | grep '"status":200' | grep -q "\"webhook_id\":\"$id\"" || return 1
		done
	}
	wait_for 60 delivered || {
		cat "$tmp/run.out"
		fail "run did not deliver the pending deliveries within 60 s"
	}
	lines "$n0"
	if lines "$n0" | field sig | grep '^bad'; then
		fail "a resent delivery's signature does not verify"
	fi
	# The control API of a running `run`.
	rc=0
	WIN_T=20 win status >"$tmp/status.out" 2>&1 || rc=$?
	cat "$tmp/status.out"
	# Ctrl-C: Wine turns SIGINT into CTRL_C_EVENT, which Go delivers as
	# os.Interrupt; run drains and exits 0.
	sleep 1
	kill -INT "$pid"
	rc=0
	wait_for 20 eval '! kill -0 '"$pid"' 2>/dev/null' || {
		cat "$tmp/run.out"
		timeout 20 wine taskkill /f /im callhook.exe || true
		fail "run did not stop within 20 s of SIGINT (taskkill /f used)"
	}
	wait "$pid" || rc=$?
	cat "$tmp/run.out"
	[ $rc -eq 0 ] || fail "run exited $rc after SIGINT, want 0"
	grep -q 'shutting down' "$tmp/run.out" || fail "run did not shut down cleanly"
	if grep -q 'control API not available.*listen unix.*winapi error #10047' "$tmp/run.out"; then
		say "run serves no control API (listen unix: winapi error #10047, no AF_UNIX); status answers: $(head -n1 "$tmp/status.out")"
	elif grep -q 'control API not available' "$tmp/run.out"; then
		fail "run serves no control API: $(grep -m1 'control API not available' "$tmp/run.out")"
	fi
	say "SIGINT (CTRL_C_EVENT) stopped run cleanly, exit 0"
	no_afunix "run starts with source none and stops cleanly; nothing was pending to resend"
	win history --json >"$tmp/history-after.json"
	# shellcheck disable=SC2086 # one argument per id
	python3 - "$tmp/history-after.json" $pending <<'PY'
import json, sys
calls = json.load(open(sys.argv[1]))
state = {d["webhook_id"]: d for c in calls for d in c["deliveries"]}
for id in sys.argv[2:]:
    d = state.get(id)
    print(f'  {id} {d and d["hook"]} {d and d["state"]} HTTP {d and d.get("status_code")} attempts {d and d["attempts"]}')
    if not d or d["state"] != "delivered":
        sys.exit(f"FAIL: {id} is not delivered in history")
PY
	say "$(echo "$pending" | wc -l) pending deliveries resent by run with the same webhook-id, delivered in history"
}

# wait_window waits up to 60 s for a window named Callhook while the
# process $1 lives; prints its id.
wait_window() {
	local pid=$1 w
	for _ in $(seq 1 300); do
		w=$(xdotool search --name '^Callhook$' 2>/dev/null | head -n1 || true)
		[ -n "$w" ] && {
			echo "$w"
			return 0
		}
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# screenshot photographs the screen into $1 and checks it is not blank.
screenshot() {
	local colours
	sleep 3 # the first frames
	timeout 30 import -window root "$1"
	colours=$(identify -format %k "$1")
	echo "screenshot $1: $colours colours"
	[ "$colours" -gt 32 ] || fail "the screen looks blank ($colours colours)"
	say "screenshot not blank ($colours colours)"
}

# stop_window closes the window of image $1 (taskkill without /f sends
# WM_CLOSE) and waits for the process $2, whose output is in $3; it must
# exit 0.
stop_window() {
	local rc=0
	timeout 20 wine taskkill /im "$1"
	wait_for 20 eval '! kill -0 '"$2"' 2>/dev/null' || {
		timeout 20 wine taskkill /f /im "$1" || true
		cat "$3"
		fail "$1 did not exit within 20 s of taskkill (WM_CLOSE)"
	}
	wait "$2" || rc=$?
	[ $rc -eq 0 ] || { cat "$3"; fail "$1 exited $rc after WM_CLOSE, want 0"; }
	say "closed by taskkill /im $1 (WM_CLOSE), exit 0"
}

step_agent() {
	local pid rc=0 win
	cp "$tmp/callhook-gui.exe" "$tmp/callhook-agent.exe"
	CALLHOOK_TRAY=0 timeout 120 wine "$tmp/callhook-agent.exe" >"$tmp/agent.out" 2>&1 &
	pid=$!
	if ! win=$(wait_window "$pid"); then
		wait "$pid" || rc=$?
		cat "$tmp/agent.out"
		if grep -q 'control socket.*10047' "$tmp/agent.out"; then
			cannot "the agent exits $rc before any window: listen unix ...\\control.sock: socket: winapi error #10047" \
				"(WSAEAFNOSUPPORT: no AF_UNIX in this Wine)"
		fi
		fail "no window (agent exit $rc)"
	fi
	echo "window $win"
	screenshot "$tmp/agent.png"
	stop_window callhook-agent.exe "$pid" "$tmp/agent.out"
}

step_window() {
	local pid appdata win
	appdata=$(cat "$tmp/appdata")
	timeout 120 wine "$tmp/windowprobe.exe" --config "$appdata\\callhook\\config.json" \
		--data "$appdata\\callhook" >"$tmp/windowprobe.out" 2>&1 &
	pid=$!
	win=$(wait_window "$pid") || {
		cat "$tmp/windowprobe.out"
		fail "the window probe showed no window"
	}
	echo "window $win"
	screenshot "$tmp/window.png"
	stop_window windowprobe.exe "$pid" "$tmp/windowprobe.out"
}

# The receiver, natively on Linux.
HOOKRECV_KEY="whsec_$(head -c 24 /dev/urandom | base64)"
export HOOKRECV_KEY
"$tmp/hookrecv" -addr-file "$tmp/addr" -log "$requests" -answer "$answer" 2>"$tmp/hookrecv.log" &
recv=$!
echo "$recv" >"$tmp/hookrecv.pid"
trap 'kill "$recv" 2>/dev/null || true' EXIT
wait_for 10 test -s "$tmp/addr" || fail "the receiver did not start"
touch "$requests"

run_step prefix step_prefix
run_step config step_config
run_step simulate step_simulate
run_step secret step_secret
run_step history step_history
run_step restart step_restart
run_step agent step_agent
run_step window step_window
