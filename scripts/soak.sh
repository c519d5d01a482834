#!/usr/bin/env bash
# Soak Callhook's SIP proxy: sipp places RATE calls/s for DURATION seconds
#   sipp UAC -> `callhook run` (proxy mode) -> Kamailio -> sipp UAS
# and Callhook POSTs every call's outgoing.start, .answer and .hangup to a
# loopback receiver (scripts/soak) that answers 5 % of requests 503 and
# lets 1 % hang until the hook's 5 s timeout. Halfway through, Callhook is
# SIGKILLed and restarted on the same data directory, so its outbox
# resumes. After the traffic the outbox drains (bounded by DRAIN seconds).
#
# Prints calls placed/answered, deliveries expected vs received (distinct
# webhook-ids), Callhook's RSS and open file descriptors at three points,
# its CPU use, and the verdict line "missing webhook-ids: N". Expected is
# every webhook-id the journal queued, and every trigger of every call
# sipp completed away from the kill window (a call the killed process was
# carrying may lose the events it still held in memory). The one
# assertion: the script exits 1 when N > 0. Everything runs on 127.0.0.1.
#
# Usage: scripts/soak.sh   (env: DURATION=600 RATE=20 DRAIN=120 DOWN=1
#                           KAMAILIO_MODULES=dir BASE_PORT=n KEEP=1)
# RSS and descriptors are sampled at 1, 5 and 10 minutes of a 10-minute
# run, at a quarter, half and all of a shorter one; the kill comes one
# second after the middle sample, DOWN seconds before the restart.
set -euo pipefail

DURATION=${DURATION:-600}
RATE=${RATE:-20}
DRAIN=${DRAIN:-120}
DOWN=${DOWN:-1}
TRIGGERS=outgoing.start,outgoing.answer,outgoing.hangup
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
PIDS=()
PROXYPID=""

cleanup() {
	for pid in "${PIDS[@]}" $PROXYPID; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

ME=soak
. "$(dirname "$0")/lib/sippeers.sh"
need sipp
need go
find_kamailio
[ "$DURATION" -ge 8 ] || { echo "soak: DURATION must be at least 8 seconds" >&2; exit 2; }

# Sample times: 1, 5 and 10 minutes of a 10-minute run.
S1=$((DURATION / 4 < 60 ? DURATION / 4 : 60))
S2=$((DURATION / 2))
S3=$DURATION
KILLAT=$((S2 + 1))

# Ports: a random block of seven, checked free on udp and tcp.
BASE=${BASE_PORT:-$((20000 + RANDOM % 20000))}
for i in 0 1 2 3 4 5 6; do
	port_free $((BASE + i)) || { echo "soak: port $((BASE + i)) busy; set BASE_PORT" >&2; exit 2; }
done
KPORT=$BASE UASPORT=$((BASE + 1)) PROXYPORT=$((BASE + 2))
CP=$((BASE + 3)) RPORT=$((BASE + 6))
K=127.0.0.1:$KPORT PROXY=127.0.0.1:$PROXYPORT
SIPP="sipp -i 127.0.0.1 -nostdin -cp"

# wait_listen PROTO PORT: up to five seconds for a listener.
wait_listen() {
	for _ in $(seq 50); do
		ss -Hl"$1"n "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	echo "soak: nothing listens on $1 port $2" >&2
	return 1
}

echo "building callhook and the soak receiver..."
(cd "$ROOT" && go build -o "$WORK/callhook-bin" ./cmd/callhook && go build -o "$WORK/soakrecv" ./scripts/soak)

# proxy.cfg is a Go template, rendered as the tests do.
(cd "$ROOT" && go run ./scripts/kamcfg testdata/kamailio/proxy.cfg Port="$KPORT" ModulesDir="$MODULES") >"$WORK/kamailio.cfg"
"$KAMAILIO" -f "$WORK/kamailio.cfg" -DD -E -m 128 -M 16 -Y "$WORK" -P "$WORK/k.pid" -w "$WORK" >"$WORK/kamailio.log" 2>&1 &
PIDS+=($!)
wait_listen u "$KPORT"

# The callee: registered at Kamailio as 2001 for an hour, answers every call.
$SIPP "$CP" -sf "$ROOT/scripts/soak/register.xml" -p "$UASPORT" -s 2001 -m 1 -timeout 10s -timeout_error "$K" >"$WORK/register.out" 2>&1
# -bg detaches and prints "Background mode - PID=[n]": that pid is ours.
$SIPP $((CP + 1)) -sf "$ROOT/testdata/sipp/uas_fast.xml" -p "$UASPORT" -bg >"$WORK/uas.out" 2>&1 || true
UASPID=$(sed -n 's/.*PID=\[\([0-9]*\)\].*/\1/p' "$WORK/uas.out")
[ -n "$UASPID" ] || { echo "soak: callee sipp did not start" >&2; exit 1; }
PIDS+=("$UASPID")

mkdir -p "$WORK/uac"
"$WORK/soakrecv" -listen "127.0.0.1:$RPORT" -fail 0.05 -hang 0.01 -hook soak -triggers "$TRIGGERS" \
	-data "$WORK/data" -calls "$WORK/uac/uac_*_logs.log" -window "$WORK/window" \
	>"$WORK/verdict.out" 2>"$WORK/recv.err" &
RECVPID=$!
PIDS+=("$RECVPID")
wait_listen t "$RPORT"

cat >"$WORK/config.json" <<JSON
{"version": 1, "enabled": true, "user": "soak",
 "source": {"mode": "proxy", "proxy": {"listen": "$PROXY", "upstream": "$K", "transport": "udp"}},
 "hooks": [{"id": "soak", "enabled": true, "triggers": ["${TRIGGERS//,/\", \"}"], "action": "post",
            "url": "http://127.0.0.1:$RPORT/hook?c={call_id}&t={trigger}", "timeout": "5s", "retries": 8}]}
JSON
CH=("$WORK/callhook-bin" --config "$WORK/config.json" --data "$WORK/data")
"${CH[0]}" config check "${CH[@]:1}" >/dev/null

start_proxy() {
	"${CH[0]}" run "${CH[@]:1}" 2>>"$WORK/callhook.log" &
	PROXYPID=$!
	wait_listen u "$PROXYPORT"
}
start_proxy

now() { date +%s.%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# at T: sleep until T seconds after the traffic started.
at() { sleep "$(awk -v s="$START" -v t="$1" -v n="$(now)" 'BEGIN{d = s + t - n; print (d > 0 ? d : 0)}')"; }
# sample T: RSS and open descriptors of the running proxy.
sample() {
	local rss fds
	rss=$(awk '/^VmRSS:/{print $2}' "/proc/$PROXYPID/status")
	fds=$(find "/proc/$PROXYPID/fd" -mindepth 1 -maxdepth 1 | wc -l)
	printf 'at %4ss: rss %5.1f MB, %3d open fds (callhook pid %s, up %.0fs)\n' "$1" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" \
		"$fds" "$PROXYPID" "$(awk -v a="$PROXYSTART" -v n="$(now)" 'BEGIN{print n-a}')" >>"$WORK/samples"
}

echo "soak: ${RATE} calls/s for ${DURATION}s through callhook; SIGKILL + restart at ${KILLAT}s"
START=$(now)
PROXYSTART=$START
(cd "$WORK/uac" && exec $SIPP $((CP + 2)) -sf "$ROOT/scripts/soak/uac.xml" -s 2001 \
	-key caller 1001 -key caller_name Soak -r "$RATE" -m $((RATE * DURATION)) -l $((RATE * 5)) \
	-trace_stat -stf stat.csv -trace_logs -timeout $((DURATION + 60))s "$PROXY" >/dev/null 2>&1) &
UACPID=$!
PIDS+=("$UACPID")

at "$S1"
sample "$S1"
at "$S2"
sample "$S2"
at "$KILLAT"
CPU=$(cpu_ticks "$PROXYPID")
kill -KILL "$PROXYPID"
wait "$PROXYPID" 2>/dev/null || true
KILLED=$(now)
sleep "$DOWN"
PROXYSTART=$(now)
start_proxy
READY=$(now)
echo "$KILLED,$READY" >"$WORK/window"
at "$S3"
sample "$S3"

# sipp ends by itself: -m calls, then -timeout at the latest.
wait "$UACPID" 2>/dev/null || true
CPU=$((CPU + $(cpu_ticks "$PROXYPID")))
END=$(now)
HZ=$(getconf CLK_TCK)

# pending: deliveries the outbox still holds (history's text lists each
# delivery as "TRIGGER HOOK N attempt(s) STATE ...").
pending() {
	"${CH[0]}" history "${CH[@]:1}" --limit 100000000 | grep -cE 'attempt\(s\)[[:space:]]+pending' || true
}
DRAINED=""
for i in $(seq "$DRAIN"); do
	sleep 1
	if [ "$(pending)" -eq 0 ]; then
		DRAINED=$i
		break
	fi
done
kill -TERM "$PROXYPID"
for _ in $(seq 150); do kill -0 "$PROXYPID" 2>/dev/null || break; sleep 0.1; done
wait "$PROXYPID" 2>/dev/null || true
kill -TERM "$RECVPID"
VERDICT=0
wait "$RECVPID" || VERDICT=$?

awk -F';' 'NR==1{for(i=1;i<=NF;i++){if($i=="TotalCallCreated")t=i; if($i=="SuccessfulCall(C)")s=i; if($i=="FailedCall(C)")f=i}}
	END{printf "sipp: %s calls placed, %s successful, %s failed\n", $t, $s, $f}' "$WORK/uac/stat.csv"
awk -v t="$CPU" -v hz="$HZ" -v w0="$START" -v w1="$END" \
	'BEGIN{printf "callhook cpu (proxy + hooks, both processes): %.1fs over %.0fs of traffic (%.1f%% of one core)\n", t/hz, w1-w0, 100*t/hz/(w1-w0)}'
cat "$WORK/samples"
awk -v k="$(cut -d, -f1 "$WORK/window")" -v r="$(cut -d, -f2 "$WORK/window")" -v s="$START" \
	'BEGIN{printf "SIGKILL at %.1fs, restarted proxy listening %.1fs later\n", k-s, r-k}'
if [ -n "$DRAINED" ]; then
	echo "outbox drained ${DRAINED}s after the traffic"
else
	echo "outbox not drained after ${DRAIN}s: $(pending) pending"
fi
cat "$WORK/verdict.out"
[ -s "$WORK/recv.err" ] && grep -v 'listening on' "$WORK/recv.err" >&2 || true
exit "$VERDICT"
