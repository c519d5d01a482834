# Sourced by the scripts that run Kamailio and sipp themselves (bench-sip,
# bench-remote, soak): finding the peers, free ports, and the INVITE->200
# latency report from uac_bench.xml's logs. The caller sets ME (its name,
# for messages).

need() { command -v "$1" >/dev/null || { echo "$ME: $1 not found; install it" >&2; exit 2; }; }

# find_kamailio sets KAMAILIO and MODULES (KAMAILIO_MODULES overrides).
find_kamailio() {
	KAMAILIO=$(command -v kamailio || echo /usr/sbin/kamailio)
	[ -x "$KAMAILIO" ] || { echo "$ME: kamailio not found; install it" >&2; exit 2; }
	MODULES=${KAMAILIO_MODULES:-}
	if [ -z "$MODULES" ]; then
		for d in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/aarch64-linux-gnu/kamailio/modules \
			/usr/lib64/kamailio/modules /usr/lib/kamailio/modules /usr/local/lib/kamailio/modules; do
			[ -f "$d/tm.so" ] && MODULES=$d && break
		done
	fi
	[ -n "$MODULES" ] || { echo "$ME: kamailio modules not found; set KAMAILIO_MODULES" >&2; exit 2; }
}

# port_free PORT: nothing listens on it, udp or tcp.
port_free() { ! ss -Hlun "sport = :$1" | grep -q . && ! ss -Hltn "sport = :$1" | grep -q .; }

# latency_report NAME DIR WIDTH: prints INVITE->200 p50/p99 of the sipp run
# in DIR (from the microsecond timestamps uac_bench.xml logs) and its
# failed calls, and writes "p50 p99" to DIR/pct.
latency_report() {
	local name=$1 dir=$2 width=$3 failed n p50 p99
	failed=$(awk -F';' 'NR==1{for(i=1;i<=NF;i++) if($i=="FailedCall(C)") c=i} END{print (c?$c:"?")}' "$dir/stat.csv" 2>/dev/null || echo "?")
	# Log lines: "invite|answered CALL-ID DATE TIME UNIX.MICROS".
	cat "$dir"/uac_bench_*_logs.log 2>/dev/null |
		awk '$1=="invite"{s[$2]=$5} $1=="answered" && ($2 in s){printf "%.3f\n", ($5-s[$2])*1000}' |
		sort -n >"$dir/samples"
	n=$(wc -l <"$dir/samples")
	if [ "$n" -eq 0 ]; then
		printf "%-${width}s no latency samples (failed calls: %s)\n" "$name" "$failed"
		echo "0 0" >"$dir/pct"
		return
	fi
	p50=$(awk -v n="$n" 'NR==int((n-1)*0.50)+1' "$dir/samples")
	p99=$(awk -v n="$n" 'NR==int((n-1)*0.99)+1' "$dir/samples")
	echo "$p50 $p99" >"$dir/pct"
	printf "%-${width}s calls=%s answered=%s INVITE->200 p50=%sms p99=%sms failed=%s\n" "$name" "$CALLS" "$n" "$p50" "$p99" "$failed"
}
