#!/usr/bin/env bash
# Benchmark Callhook's SIP proxy with sipp: the same call scenario at a
# fixed rate, three ways, one run each:
#   direct    sipp UAC -> sipp UAS
#   kamailio  sipp UAC -> Kamailio -> sipp UAS
#   callhook  sipp UAC -> `callhook run` (proxy mode) -> Kamailio -> sipp UAS
# and prints INVITE->200 latency p50/p99 (from timestamps sipp logs), failed calls,
# the latency Callhook adds over Kamailio alone, Callhook's CPU use, and the
# SIP 200 OK -> webhook arrival latency: Callhook fires a hook on
# outgoing.answer to a loopback receiver (scripts/benchrecv), which joins
# the arrivals with the times sipp logged the 200 OKs. Figures only, no
# assertions. Everything runs on 127.0.0.1.
#
# Usage: scripts/bench-sip.sh   (env: RATE=100 CALLS=1000 TRANSPORT=udp
#                                KAMAILIO_MODULES=dir BASE_PORT=n KEEP=1)
set -euo pipefail

RATE=${RATE:-100}
CALLS=${CALLS:-1000}
TRANSPORT=${TRANSPORT:-udp}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
PIDS=()

cleanup() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

ME=bench-sip
. "$(dirname "$0")/lib/sippeers.sh"
need sipp
need go
find_kamailio

# Ports: a random block of seven, checked free on udp and tcp.
BASE=${BASE_PORT:-$((20000 + RANDOM % 20000))}
for i in 0 1 2 3 4 5 6; do
	port_free $((BASE + i)) || { echo "bench-sip: port $((BASE + i)) busy; set BASE_PORT" >&2; exit 2; }
done
KPORT=$BASE UASPORT=$((BASE + 1)) PROXYPORT=$((BASE + 2))
CP=$((BASE + 3)) RPORT=$((BASE + 6))
K=127.0.0.1:$KPORT UAS=127.0.0.1:$UASPORT PROXY=127.0.0.1:$PROXYPORT
SIPP="sipp -i 127.0.0.1 -nostdin -cp"
T=u1
[ "$TRANSPORT" = tcp ] && T=t1

echo "building callhook and the bench receiver..."
(cd "$ROOT" && go build -o "$WORK/callhook-bin" ./cmd/callhook && go build -o "$WORK/benchrecv" ./scripts/benchrecv)

(cd "$ROOT" && go run ./scripts/kamcfg testdata/kamailio/proxy.cfg Port="$KPORT" ModulesDir="$MODULES") >"$WORK/kamailio.cfg"
"$KAMAILIO" -f "$WORK/kamailio.cfg" -DD -E -m 128 -M 16 -Y "$WORK" -P "$WORK/k.pid" -w "$WORK" 2>"$WORK/kamailio.log" &
PIDS+=($!)
for _ in $(seq 50); do
	ss -Hlun "sport = :$KPORT" | grep -q . && break
	sleep 0.1
done

# The callee: registered at Kamailio as 2001, answers every call.
$SIPP $CP -sf "$ROOT/testdata/sipp/register.xml" -p "$UASPORT" -s 2001 -m 1 -timeout 10s -timeout_error "$K" >/dev/null
# -bg detaches and prints "Background mode - PID=[n]": that pid is ours.
$SIPP $((CP + 1)) -sf "$ROOT/testdata/sipp/uas_fast.xml" -p "$UASPORT" -t "$T" -bg >"$WORK/uas.out" 2>&1 || true
UASPID=$(sed -n 's/.*PID=\[\([0-9]*\)\].*/\1/p' "$WORK/uas.out")
[ -n "$UASPID" ] || { echo "bench-sip: callee sipp did not start" >&2; exit 1; }
PIDS+=("$UASPID")

mkdir -p "$WORK/callhook"
"$WORK/benchrecv" -listen "127.0.0.1:$RPORT" -answers "$WORK/callhook/uac_bench_*_logs.log" >"$WORK/recv.out" 2>"$WORK/recv.err" &
RECVPID=$!
PIDS+=("$RECVPID")
cat >"$WORK/config.json" <<JSON
{"version": 1, "enabled": true, "user": "bench",
 "source": {"mode": "proxy", "proxy": {"listen": "$PROXY", "upstream": "$K", "transport": "$TRANSPORT"}},
 "hooks": [{"id": "bench", "enabled": true, "triggers": ["outgoing.answer"], "action": "get",
            "url": "http://127.0.0.1:$RPORT/answer?c={call_id}"}]}
JSON
"$WORK/callhook-bin" run --config "$WORK/config.json" --data "$WORK/data" 2>"$WORK/callhook.log" &
PROXYPID=$!
PIDS+=("$PROXYPID")
for _ in $(seq 50); do
	ss -Hlun "sport = :$PROXYPORT" | grep -q . && break
	sleep 0.1
done
PROXYPROC=$PROXYPID

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME TARGET: one sipp run; prints INVITE->200 p50/p99 (from the
# microsecond timestamps uac_bench.xml logs) and failed calls.
run() {
	local name=$1 target=$2 dir="$WORK/$1"
	mkdir -p "$dir"
	(cd "$dir" && $SIPP $((CP + 2)) -sf "$ROOT/testdata/sipp/uac_bench.xml" -t "$T" -s 2001 \
		-key caller 1001 -key caller_name Bench -r "$RATE" -m "$CALLS" -l $((RATE * 5)) \
		-trace_stat -stf stat.csv -trace_logs -trace_err -timeout $((CALLS / RATE + 60))s \
		"$target" >/dev/null 2>&1) || true
	latency_report "$name" "$dir" 9
}

echo "rate ${RATE}/s, ${CALLS} calls per run, transport $TRANSPORT"
run direct "$UAS"
run kamailio "$K"
T0=$(cpu_ticks "$PROXYPROC")
W0=$(date +%s.%N)
run callhook "$PROXY"
T1=$(cpu_ticks "$PROXYPROC")
W1=$(date +%s.%N)

read -r dp50 dp99 <"$WORK/direct/pct"
read -r kp50 kp99 <"$WORK/kamailio/pct"
read -r cp50 cp99 <"$WORK/callhook/pct"
HZ=$(getconf CLK_TCK)
awk -v a="$dp50" -v b="$kp50" -v c="$dp99" -v d="$kp99" \
	'BEGIN{printf "added by kamailio: p50=%+.3fms p99=%+.3fms\n", b-a, d-c}'
awk -v a="$kp50" -v b="$cp50" -v c="$kp99" -v d="$cp99" \
	'BEGIN{printf "added by callhook: p50=%+.3fms p99=%+.3fms\n", b-a, d-c}'
awk -v t=$((T1 - T0)) -v hz="$HZ" -v w0="$W0" -v w1="$W1" \
	'BEGIN{printf "callhook cpu (proxy + hooks): %.2fs over %.1fs wall (%.1f%% of one core)\n", t/hz, w1-w0, 100*t/hz/(w1-w0)}'
sleep 1 # let the last webhooks arrive
kill -TERM "$PROXYPID" 2>/dev/null || true
wait "$PROXYPID" 2>/dev/null || true
kill -TERM "$RECVPID" 2>/dev/null || true
wait "$RECVPID" 2>/dev/null || true
cat "$WORK/recv.out"
printf 'deliveries: %s delivered, %s failed (callhook log)\n' \
	"$(grep -c 'msg=delivery .*state=delivered' "$WORK/callhook.log" || true)" \
	"$(grep -c 'state=failed' "$WORK/callhook.log" || true)"
