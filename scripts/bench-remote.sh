#!/usr/bin/env bash
# Benchmark Callhook's SIP proxy against a remote PBX: Kamailio in its own
# network namespace, reached from the host over a veth in a /30 of
# 10.231.0.0/16 (the host side is named like the siptest beds' veths,
# chkNNNN, so a test bed running at the same time skips that slot).
# The callee (sipp UAS, registered at Kamailio as 2001) runs in the PBX
# namespace; the caller (sipp UAC, UDP) on the host. Three figures:
#
# 1. INVITE->200 latency p50/p99 (from the microsecond timestamps sipp logs,
#    as scripts/bench-sip.sh), the same call scenario at a fixed rate:
#      direct        sipp UAC -> sipp UAS (over the veth)
#      kamailio      sipp UAC -> Kamailio -> sipp UAS
#      callhook-udp  sipp UAC -> `callhook run` -(udp)-> Kamailio -> sipp UAS
#      callhook-tls  sipp UAC -> `callhook run` -(tls)-> Kamailio -> sipp UAS
#    and what Kamailio's hop and Callhook add.
# 2. Keepalive packets on the PBX leg while softphones are registered:
#    phones 1001 and 2101 register through the udp Callhook, 1002 and
#    2102 through the tls one (sipp UAS on loopback), then tshark counts
#    what crosses the veth for KA_SECS, by kind (OPTIONS and answers; TLS
#    records, ACKs and TCP keep-alives); likewise for the two dialog
#    sources (below), subscribed meanwhile.
# 3. PBX restart: Kamailio is SIGKILLed (its registrations live in
#    memory), started again GAP seconds later, and the PBX namespace
#    calls each phone every 0.5 s until the call reaches the phone behind
#    Callhook (at most 90 s). 1001/1002 authenticate with digest, so the
#    restarted PBX challenges Callhook's re-REGISTER; 2101/2102 do not.
#    The dialog source's PBX (testdata/kamailio/dialog.cfg, a second
#    Kamailio in the namespace on 5062, TLS 5063, killed and started with
#    the first) loses its subscriptions the same way: two `callhook run`
#    in dialog mode (udp, tls) watch 1002, and their logs tell when each
#    saw the loss and when it was subscribed again (at most 120 s).
#
# Figures only, no assertions. Traffic stays on loopback and the veth.
# Needs root (namespaces, capture), kamailio with its tls module, sipp,
# tshark, openssl, python3, go.
#
# Usage: scripts/bench-remote.sh   (env: RATE=50 CALLS=500 KA_SECS=60 GAP=30
#                                   KAMAILIO_MODULES=dir BASE_PORT=n KEEP=1)
set -euo pipefail

RATE=${RATE:-50}
CALLS=${CALLS:-500}
KA_SECS=${KA_SECS:-60}
GAP=${GAP:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/scripts/benchremote
WORK=$(mktemp -d)
NS=chb-$$-pbx
DEV=""
KPID=""
DPID=""
PIDS=()

cleanup() {
	for pid in $KPID $DPID; do
		kill -KILL -- -"$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	if [ -e "/var/run/netns/$NS" ]; then
		# Whatever still runs in our namespace is ours (sipp, kamailio).
		for pid in $(ip netns pids "$NS" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
		ip netns del "$NS" 2>/dev/null || true
	fi
	if [ -n "$DEV" ] && [ -e "/sys/class/net/$DEV" ]; then
		ip link del "$DEV" 2>/dev/null || true
	fi
	wait 2>/dev/null || true
	if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "bench-remote: $*" >&2; exit 1; }
ME=bench-remote
. "$(dirname "$0")/lib/sippeers.sh"
[ "$(id -u)" -eq 0 ] || { echo "bench-remote: needs root (network namespaces, packet capture)" >&2; exit 2; }
for c in sipp go ip ss tshark openssl python3 setsid; do need "$c"; done
find_kamailio
[ -f "$MODULES/tls.so" ] || { echo "bench-remote: kamailio's tls module missing; install kamailio-tls-modules" >&2; exit 2; }
DBTEXT=/usr/share/kamailio/dbtext/kamailio
[ -f "$DBTEXT/presentity" ] || { echo "bench-remote: kamailio's db_text schema missing in $DBTEXT; install kamailio" >&2; exit 2; }

# Host ports: a random block of eleven, checked free on udp and tcp.
BASE=${BASE_PORT:-$((20000 + RANDOM % 20000))}
for i in $(seq 0 10); do
	port_free $((BASE + i)) || die "port $((BASE + i)) busy; set BASE_PORT"
done
UPORT=$BASE TPORT=$((BASE + 1)) PHONEPORT=$((BASE + 2)) CP=$((BASE + 6))
SIPP="sipp -i 127.0.0.1 -nostdin -cp"

echo "building callhook..."
(cd "$ROOT" && go build -o "$WORK/callhook-bin" ./cmd/callhook)

# The link: the first free /30 from 10.231.250.0/30 on (slot s is
# 10.231.0.0/16's s-th /30, host side .1, PBX side .2).
ip netns add "$NS"
ip -n "$NS" link set lo up
for s in $(seq 16000 16063); do
	n=$((s * 4))
	net="10.231.$((n / 256)).$((n % 256))"
	ip -o addr | grep -q "inet 10\.231\.$((n / 256))\.\($((n % 256))\|$((n % 256 + 1))\|$((n % 256 + 2))\|$((n % 256 + 3))\)/" && continue
	dev=$(printf 'chk%04x' "$s")
	ip link add "$dev" type veth peer name eth0 netns "$NS" 2>/dev/null || continue
	DEV=$dev
	HOSTIP="10.231.$((n / 256)).$((n % 256 + 1))"
	PBXIP="10.231.$((n / 256)).$((n % 256 + 2))"
	break
done
[ -n "$DEV" ] || die "no free /30 in 10.231.250.0-10.231.253.255"
ip addr add "$HOSTIP/30" dev "$DEV"
ip link set "$DEV" up
ip -n "$NS" addr add "$PBXIP/30" dev eth0
ip -n "$NS" link set eth0 up
NSX="ip netns exec $NS"
NSIPP="$NSX sipp -i $PBXIP -nostdin -cp"
K=$PBXIP:5060 KT=$PBXIP:5061 UAS=$PBXIP:5070 KD=$PBXIP:5062 KDT=$PBXIP:5063

# A CA and a server certificate for the PBX's address (IP SAN), and the
# tls.cfg Kamailio needs (as internal/siptest's writeKamailioTLS).
mkdir -p "$WORK/tls"
(
	cd "$WORK/tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
		-keyout ca.key -out ca.pem -subj "/CN=Callhook bench CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,digitalSignature"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout server.key -out server.csr -subj "/CN=$PBXIP"
	printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n' "$PBXIP" >ext.cnf
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
		-extfile ext.cnf -out server.pem
) >"$WORK/openssl.log" 2>&1 || { cat "$WORK/openssl.log" >&2; die "openssl failed"; }
cat >"$WORK/tls.cfg" <<EOF
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = $WORK/tls/server.pem
private_key = $WORK/tls/server.key

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
EOF

# testdata/kamailio/proxy.cfg is a Go text/template, rendered as the tests do.
(cd "$ROOT" && go run ./scripts/kamcfg testdata/kamailio/proxy.cfg Port=5060 ModulesDir="$MODULES" \
	IP="$PBXIP" TLS=true TLSPort=5061 TLSConfig="$WORK/tls.cfg") >"$WORK/kamailio.cfg"

# The dialog source's PBX: dialog.cfg without digest auth, its presence
# state in memory (the db_text tables are only opened).
mkdir -p "$WORK/kd/db"
for table in version presentity active_watchers watchers xcap pua subscriber; do
	cp "$DBTEXT/$table" "$WORK/kd/db/$table"
done
(cd "$ROOT" && go run ./scripts/kamcfg testdata/kamailio/dialog.cfg Port=5062 ModulesDir="$MODULES" \
	IP="$PBXIP" TLS=true TLSPort=5063 TLSConfig="$WORK/tls.cfg" DBDir="$WORK/kd/db" Auth=false) >"$WORK/kamailio-dialog.cfg"

# start_kamailio NAME TLSPORT runs Kamailio with $WORK/NAME.cfg in the PBX
# namespace in a process group of its own (setsid: the restart kills the
# group), sets LASTPID to it and waits for its TLS port.
start_kamailio() {
	local dir=$WORK/$1.run
	mkdir -p "$dir"
	setsid $NSX "$KAMAILIO" -f "$WORK/$1.cfg" -DD -E -m 128 -M 16 -Y "$dir" \
		-P "$dir/kamailio.pid" -w "$dir" >>"$WORK/$1.log" 2>&1 &
	LASTPID=$!
	for _ in $(seq 200); do
		$NSX ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.05
	done
	tail -20 "$WORK/$1.log" >&2
	die "$1 did not start"
}
start_kamailio kamailio 5061
KPID=$LASTPID
start_kamailio kamailio-dialog 5063
DPID=$LASTPID

# The callee: registered at Kamailio as 2001, answers every call.
$NSIPP 8001 -sf "$ROOT/testdata/sipp/register.xml" -p 5070 -s 2001 -m 1 -timeout 10s -timeout_error "$K" >/dev/null 2>&1 ||
	die "callee could not register at kamailio"
# -bg detaches and prints "Background mode - PID=[n]": that pid is ours.
$NSIPP 8002 -sf "$ROOT/testdata/sipp/uas_fast.xml" -p 5070 -bg >"$WORK/uas.out" 2>&1 || true
UASPID=$(sed -n 's/.*PID=\[\([0-9]*\)\].*/\1/p' "$WORK/uas.out")
[ -n "$UASPID" ] || die "callee sipp did not start"
PIDS+=("$UASPID")

# Two proxies, one per PBX transport; the phone leg is UDP on loopback.
start_callhook() { # NAME LISTENPORT UPSTREAM TRANSPORT EXTRA-JSON
	cat >"$WORK/$1.json" <<JSON
{"version": 1, "enabled": true, "user": "bench",
 "source": {"mode": "proxy", "proxy": {"listen": "127.0.0.1:$2", "upstream": "$3", "transport": "$4"$5}},
 "hooks": []}
JSON
	"$WORK/callhook-bin" run --config "$WORK/$1.json" --data "$WORK/$1-data" 2>"$WORK/$1.log" &
	PIDS+=($!)
	for _ in $(seq 100); do
		ss -Hlun "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	cat "$WORK/$1.log" >&2
	die "$1 did not start"
}
start_callhook callhook-udp "$UPORT" "$K" udp ""
start_callhook callhook-tls "$TPORT" "$KT" tls ", \"ca_file\": \"$WORK/tls/ca.pem\""

# Two dialog sources, one per transport, watching 1002 at the dialog PBX
# with the default lifetime (refreshed every 60 s at most).
start_dialog() { # NAME SERVER TRANSPORT EXTRA-JSON
	cat >"$WORK/$1.json" <<JSON
{"version": 1, "enabled": true, "user": "bench",
 "source": {"mode": "dialog", "dialog": {"server": "$2", "transport": "$3", "domain": "$PBXIP",
            "username": "1002", "watch": ["1002"]$4}},
 "hooks": []}
JSON
	"$WORK/callhook-bin" run --config "$WORK/$1.json" --data "$WORK/$1-data" 2>"$WORK/$1.log" &
	PIDS+=($!)
	for _ in $(seq 100); do
		grep -q "msg=subscribed" "$WORK/$1.log" && return 0
		sleep 0.1
	done
	cat "$WORK/$1.log" >&2
	die "$1 did not subscribe"
}
start_dialog dialog-udp "$KD" udp ""
start_dialog dialog-tls "$KDT" tls ", \"ca_file\": \"$WORK/tls/ca.pem\""

# run NAME LOCALIP TARGET: one sipp run from the host; prints INVITE->200
# p50/p99 (from the microsecond timestamps uac_bench.xml logs) and failed
# calls, as scripts/bench-sip.sh.
run() {
	local name=$1 ip=$2 target=$3 dir="$WORK/$1"
	mkdir -p "$dir"
	(cd "$dir" && sipp -i "$ip" -nostdin -cp $((CP + 4)) -sf "$ROOT/testdata/sipp/uac_bench.xml" -t u1 -s 2001 \
		-key caller 1001 -key caller_name Bench -r "$RATE" -m "$CALLS" -l $((RATE * 5)) \
		-trace_stat -stf stat.csv -trace_logs -trace_err -timeout $((CALLS / RATE + 60))s \
		"$target" >/dev/null 2>&1) || true
	latency_report "$name" "$dir" 13
}

echo "PBX: kamailio at $PBXIP in namespace $NS, host side $HOSTIP ($DEV)"
echo "== INVITE->200, rate ${RATE}/s, ${CALLS} calls per run, sipp on udp"
run direct "$HOSTIP" "$UAS"
run kamailio "$HOSTIP" "$K"
run callhook-udp 127.0.0.1 "127.0.0.1:$UPORT"
run callhook-tls 127.0.0.1 "127.0.0.1:$TPORT"
read -r dp50 dp99 <"$WORK/direct/pct"
read -r kp50 kp99 <"$WORK/kamailio/pct"
read -r up50 up99 <"$WORK/callhook-udp/pct"
read -r tp50 tp99 <"$WORK/callhook-tls/pct"
d() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%+.3f", b-a}'; }
echo "added by kamailio's own hop: p50=$(d "$dp50" "$kp50")ms p99=$(d "$dp99" "$kp99")ms"
echo "added by callhook, udp to the PBX: p50=$(d "$kp50" "$up50")ms p99=$(d "$kp99" "$up99")ms"
echo "added by callhook, tls to the PBX: p50=$(d "$kp50" "$tp50")ms p99=$(d "$kp99" "$tp99")ms"
echo "callhook adds $(d "$kp50" "$up50")/$(d "$kp99" "$up99") ms (udp) and $(d "$kp50" "$tp50")/$(d "$kp99" "$tp99") ms (tls)" \
	"(p50/p99) over kamailio's own hop of $(d "$dp50" "$kp50")/$(d "$dp99" "$kp99") ms"

# The phones, each registered from the port it then answers calls on:
# 1001 (udp) and 1002 (tls) authenticate with digest, as most PBXs want;
# 2101 (udp) and 2102 (tls) register without (Kamailio challenges only
# users 1xxx), which isolates Callhook's own re-REGISTER after a PBX
# restart from the PBX asking for fresh credentials.
phone() { # NUMBER PROXYPORT N
	local port=$((PHONEPORT + $3)) cp=$((CP + $3))
	$SIPP "$cp" -sf "$HERE/register.xml" -p "$port" -s "$1" -au "$1" -ap secret -m 1 -timeout 10s -timeout_error \
		"127.0.0.1:$2" >/dev/null 2>&1 || die "phone $1 could not register through callhook (port $2)"
	$SIPP "$cp" -sf "$ROOT/testdata/sipp/uas_fast.xml" -p "$port" -bg >"$WORK/phone$1.out" 2>&1 || true
	local pid
	pid=$(sed -n 's/.*PID=\[\([0-9]*\)\].*/\1/p' "$WORK/phone$1.out")
	[ -n "$pid" ] || die "phone $1 sipp did not start"
	PIDS+=("$pid")
}
phone 1001 "$UPORT" 0
phone 1002 "$TPORT" 1
phone 2101 "$UPORT" 2
phone 2102 "$TPORT" 3
sleep 2 # the registrations' own traffic (and any re-REGISTER it triggers) is over

echo "== keepalives on the PBX leg, ${KA_SECS} s, phones registered (1001, 2101 via udp; 1002, 2102 via tls);" \
	"dialog sources subscribed (udp to 5062, tls to 5063)"
tshark -i "$DEV" -f "host $PBXIP and (udp port 5060 or tcp port 5061 or udp port 5062 or tcp port 5063)" -a "duration:$KA_SECS" \
	-w "$WORK/ka.pcapng" -q >"$WORK/tshark.out" 2>&1 &
TSPID=$!
PIDS+=("$TSPID")
for _ in $(seq 150); do
	grep -q "Capturing on" "$WORK/tshark.out" && break
	sleep 0.1
done
grep -q "Capturing on" "$WORK/tshark.out" || { cat "$WORK/tshark.out" >&2; die "tshark did not start capturing"; }
wait "$TSPID" || true
tshark -r "$WORK/ka.pcapng" -T fields -E separator=/t -e frame.time_epoch -e ip.src -e udp.dstport -e udp.srcport \
	-e tcp.dstport -e tcp.srcport -e tcp.len -e sip.Method -e sip.Status-Code -e sip.CSeq.method \
	-e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack \
	>"$WORK/ka.tsv" 2>/dev/null
python3 - "$WORK/ka.tsv" "$HOSTIP" "$KA_SECS" <<'PY'
import collections, statistics, sys
path, host, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
# Per PBX port: what we sent, what the PBX sent, when our pings left.
out, inn, pings = (collections.defaultdict(collections.Counter), collections.defaultdict(collections.Counter),
                   collections.defaultdict(list))
for line in open(path):
    f = (line.rstrip("\n").split("\t") + [""] * 12)[:12]
    t, src, udst, usrc, tdst, tsrc, tlen, method, status, cseq, ka, kaack = f
    sent = src == host
    port = udst if sent else usrc
    if port:
        what = method or (status + " to " + cseq if status else "other")
        if sent and method == "OPTIONS":
            pings[port].append(float(t))
    else:
        port = tdst if sent else tsrc
        # A TLS record of a few bytes is a CRLF ping or its answer; SIP
        # messages are hundreds of bytes.
        n = int(tlen) if tlen else 0
        what = ("CRLF ping record" if 0 < n < 100 else "SIP message" if n else "TCP keep-alive" if ka
                else "ACK of a TCP keep-alive" if kaack else "bare ACK")
        if sent and what == "CRLF ping record":
            pings[port].append(float(t))
    (out if sent else inn)[port][what] += 1
def line(c):
    return ", ".join(f"{n} {k}" for k, n in sorted(c.items())) or "none"
def every(ts):
    if len(ts) < 2:
        return "n/a"
    d = statistics.median(b - a for a, b in zip(ts, ts[1:]))
    return f"every {d:.1f} s = {60 / d:.1f}/min"
pm = lambda n: n * 60 / secs
for port, name, ping in (("5060", "proxy, udp", "OPTIONS"), ("5061", "proxy, tls", "CRLF pings"),
                         ("5062", "dialog, udp", "OPTIONS"), ("5063", "dialog, tls", "CRLF pings")):
    n = sum(out[port].values())
    print(f"{name}: callhook sent {n} packets in {secs:.0f} s ({pm(n):.1f}/min): {line(out[port])}; "
          f"PBX sent {sum(inn[port].values())}: {line(inn[port])}; {ping} {every(pings[port])}")
PY

# call NUMBER: one call from the PBX namespace to NUMBER through Kamailio;
# succeeds when the phone answered.
NCALL=0
call() {
	NCALL=$((NCALL + 1))
	mkdir -p "$WORK/calls"
	(cd "$WORK/calls" && $NSIPP $((9000 + NCALL % 500)) -sf "$HERE/call_once.xml" -s "$1" -m 1 \
		-timeout 3s -timeout_error -trace_err "$K" >/dev/null 2>&1)
}

PHONES="1001:udp:digest 1002:tls:digest 2101:udp:no-auth 2102:tls:no-auth"
echo "== PBX restart: kamailio SIGKILLed, started again ${GAP} s later; each phone called every 0.5 s (at most 90 s)"
for p in $PHONES; do
	call "${p%%:*}" || echo "note: a call to ${p%%:*} failed before the restart"
done
TK=$(date +%s.%N)
for pid in $KPID $DPID; do
	kill -KILL -- -"$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done
KPID="" DPID=""
sleep "$GAP"
T0=$(date +%s.%N)
start_kamailio kamailio 5061
KPID=$LASTPID
start_kamailio kamailio-dialog 5063
DPID=$LASTPID
TR=$(date +%s.%N)
awk -v a="$T0" -v b="$TR" 'BEGIN{printf "kamailio listening again %.2f s after the restart\n", b-a}'
declare -A done_at=()
while :; do
	left=0
	for p in $PHONES; do
		num=${p%%:*}
		[ -n "${done_at[$num]:-}" ] && continue
		if call "$num"; then done_at[$num]=$(date +%s.%N); else left=1; fi
	done
	[ "$left" -eq 0 ] && break
	awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{exit !(b-a > 90)}' && break
	sleep 0.5
done
# since LOG T0 PATTERN: seconds from T0 to the first log line after T0
# that matches PATTERN, or "-".
since() {
	python3 - "$1" "$2" "$3" <<'PY'
import datetime, sys
log, t0, pat = sys.argv[1], float(sys.argv[2]), sys.argv[3]
for line in open(log):
    if pat not in line or not line.startswith("time="):
        continue
    ts = datetime.datetime.fromisoformat(line.split()[0][5:].replace("Z", "+00:00")).timestamp()
    if ts >= t0:
        print(f"{ts - t0:.1f}")
        break
else:
    print("-")
PY
}
for tr in udp tls; do
	log=$WORK/callhook-$tr.log
	echo "$tr: callhook saw the PBX again at +$(since "$log" "$T0" "the PBX answers again") s and re-registered the phones;" \
		"PBX asked for fresh credentials at +$(since "$log" "$T0" "wants fresh credentials") s"
done
for p in $PHONES; do
	IFS=: read -r num tr auth <<<"$p"
	if [ -n "${done_at[$num]:-}" ]; then
		awk -v a="$T0" -v b="${done_at[$num]}" -v n="$num" -v t="$tr" -v au="$auth" \
			'BEGIN{printf "%s, phone %s (%s): restart -> first call answered by the phone: %.1f s\n", t, n, au, b-a}'
	else
		echo "$tr, phone $num ($auth): no call reached the phone within 90 s of the restart"
	fi
done
# The dialog sources: wait until each logged a new subscription after the
# restart (at most 120 s: a refresh comes at least every 60 s).
for _ in $(seq 1200); do
	[ "$(since "$WORK/dialog-udp.log" "$T0" "msg=subscribed")" != "-" ] &&
		[ "$(since "$WORK/dialog-tls.log" "$T0" "msg=subscribed")" != "-" ] && break
	sleep 0.1
done
for tr in udp tls; do
	log=$WORK/dialog-$tr.log
	lost=$(since "$log" "$TK" "subscription lost")
	again=$(since "$log" "$T0" "msg=subscribed")
	if [ "$lost" != "-" ]; then
		lost=$(awk -v a="$TK" -v b="$T0" -v l="$lost" 'BEGIN{printf "%+.1f", l - (b - a)}')
	fi
	echo "dialog source, $tr: saw the subscription lost at ${lost} s, subscribed again at +${again} s after the restart"
done
