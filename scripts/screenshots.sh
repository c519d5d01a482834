#!/usr/bin/env bash
# Photographs each tab of the desktop app for the docs: starts callhook
# under Xvfb once per tab (CALLHOOK_GUI_TAB picks it) with an example
# config, feeds a simulated call first so Calls has history, and writes
# docs/screenshots/{hooks,editor,calls,settings}.png.
#
# The example config proxies to a real PBX on another host: Kamailio
# (testdata/kamailio/proxy.cfg) in a network namespace of its own,
# reached over a veth pair at 10.231.x.2, over TLS with a CA made for the
# occasion. Before the Settings tab is photographed a softphone (sipp)
# registers through Callhook, so its status line shows a live PBX leg.
# Needs root (namespace, veth), ip, kamailio, sipp, openssl, python3,
# xvfb-run, dbus-run-session, xdotool and import (ImageMagick).
#
#   sudo scripts/screenshots.sh            # builds ./cmd/callhook
#   sudo CALLHOOK_BIN=path scripts/screenshots.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${CALLHOOK_SCREENSHOTS:-$root/docs/screenshots}

if [ "${CALLHOOK_SHOTS_INNER:-}" != 1 ]; then
	fail() { echo "screenshots: $*" >&2; exit 1; }
	[ "$(id -u)" = 0 ] || fail "must run as root: the PBX runs in a network namespace of its own"
	for cmd in ip kamailio sipp openssl python3 xvfb-run dbus-run-session xdotool import; do
		command -v "$cmd" >/dev/null || fail "$cmd not found; it is needed (see the comment at the top)"
	done
	modules=""
	for d in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/aarch64-linux-gnu/kamailio/modules \
		/usr/lib64/kamailio/modules /usr/lib/kamailio/modules /usr/local/lib64/kamailio/modules \
		/usr/local/lib/kamailio/modules; do
		[ -f "$d/tm.so" ] && { modules=$d; break; }
	done
	[ -n "$modules" ] || fail "kamailio modules (tm.so) not found"
	[ -f "$modules/tls.so" ] || fail "kamailio tls module missing (Debian: kamailio-tls-modules)"

	tmp=$(mktemp -d /tmp/callhook-shots.XXXXXX)
	ns=chshots-$$
	veth=chsh$$
	cleanup() {
		set +e
		if [ -e "/run/netns/$ns" ]; then
			# Kamailio and its children are all that runs in there.
			pids=$(ip netns pids "$ns" 2>/dev/null)
			[ -n "$pids" ] && kill -TERM $pids 2>/dev/null
			for _ in $(seq 1 50); do
				[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
				sleep 0.1
			done
			pids=$(ip netns pids "$ns" 2>/dev/null)
			[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
			ip netns del "$ns"
		fi
		[ -e "/sys/class/net/$veth" ] && ip link del "$veth" 2>/dev/null
		rm -rf "$tmp"
	}
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	bin=${CALLHOOK_BIN:-}
	if [ -z "$bin" ]; then
		(cd "$root" && go build -o "$tmp/callhook" ./cmd/callhook)
		bin=$tmp/callhook
	fi
	mkdir -p "$tmp/home/.config" "$tmp/run" "$tmp/data" "$tmp/pbx" "$out"
	chmod 700 "$tmp/run"

	# A /30 of 10.231.0.0/16 no interface or route on the host uses:
	# host side .1, PBX .2.
	net=$(python3 - <<'PY2'
import ipaddress, re, subprocess
used = []
for cmd in (["ip", "-o", "-4", "addr", "show"], ["ip", "-4", "route", "show", "table", "all"]):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for m in re.finditer(r"(?<![0-9.])(\d+\.\d+\.\d+\.\d+(?:/\d+)?)(?![0-9.])", out):
        n = ipaddress.ip_network(m.group(1), strict=False)
        if n.prefixlen > 0:
            used.append(n)
for c in (251, 252, 253, 254, 250, 249, 248):
    for d in range(0, 256, 4):
        cand = ipaddress.ip_network("10.231.%d.%d/30" % (c, d))
        if not any(cand.overlaps(n) for n in used):
            print(cand.network_address)
            raise SystemExit
PY2
)
	[ -n "$net" ] || fail "no free /30 in 10.231.0.0/16"
	host_ip=${net%.*}.$((${net##*.} + 1))
	pbx_ip=${net%.*}.$((${net##*.} + 2))
	ip netns add "$ns"
	ip link add "$veth" type veth peer name eth0 netns "$ns"
	ip addr add "$host_ip/30" dev "$veth"
	ip link set "$veth" up
	ip -n "$ns" addr add "$pbx_ip/30" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" link set lo up

	# The PBX's certificate, for its IP, from a CA Callhook is told to trust.
	pki=$tmp/pbx
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=Callhook screenshots CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$pbx_ip" -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
	printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
		"$pbx_ip" >"$pki/server.ext"
	openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
		-days 2 -extfile "$pki/server.ext" -out "$pki/server.pem" 2>/dev/null
	cat >"$pki/tls.cfg" <<EOT
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = $pki/server.pem
private_key = $pki/server.key

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
EOT

	# The Go template the tests use, rendered by the same engine.
	(cd "$root" && go run ./scripts/kamcfg testdata/kamailio/proxy.cfg \
		Port=5060 IP="$pbx_ip" ModulesDir="$modules" TLS=true TLSPort=5061 \
		TLSConfig="$pki/tls.cfg") >"$pki/kamailio.cfg"
	# -DD keeps the main process in the foreground (with its children),
	# -E logs to stderr, -Y and -P keep runtime files in the temp dir.
	ip netns exec "$ns" kamailio -f "$pki/kamailio.cfg" -DD -E -m 32 -M 8 \
		-Y "$pki" -P "$pki/kamailio.pid" -w "$pki" >"$tmp/kamailio.log" 2>&1 &
	# Ready when it answers an OPTIONS over UDP and a TLS handshake that
	# checks its certificate against the CA, both from the host.
	if ! python3 - "$pbx_ip" "$pki/ca.pem" <<'PY'; then
import socket, ssl, sys, time
ip, ca = sys.argv[1], sys.argv[2]
deadline = time.time() + 15
def options():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    s.bind(("0.0.0.0", 0))
    local = "%s:%d" % (ip.rsplit(".", 1)[0] + ".1", s.getsockname()[1])
    for i in range(1000):
        if time.time() > deadline:
            return False
        msg = ("OPTIONS sip:%s:5060 SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-ready-%d;rport\r\n"
               "Max-Forwards: 70\r\nFrom: <sip:probe@%s>;tag=probe\r\nTo: <sip:%s:5060>\r\n"
               "Call-ID: ready-%d@shots\r\nCSeq: %d OPTIONS\r\nContent-Length: 0\r\n\r\n"
               % (ip, local, i, ip, ip, i, i + 1))
        s.sendto(msg.encode(), (ip, 5060))
        try:
            if s.recv(4096).startswith(b"SIP/2.0 "):
                return True
        except OSError:
            pass
    return False
def handshake():
    ctx = ssl.create_default_context(cafile=ca)
    while time.time() < deadline:
        try:
            with socket.create_connection((ip, 5061), timeout=2) as c:
                with ctx.wrap_socket(c, server_hostname=ip):
                    return True
        except ssl.SSLCertVerificationError as e:
            print("screenshots: PBX certificate rejected:", e, file=sys.stderr)
            return False
        except OSError:
            time.sleep(0.2)
    return False
sys.exit(0 if options() and handshake() else 1)
PY
		tail -n 40 "$tmp/kamailio.log" >&2
		fail "kamailio on $pbx_ip did not answer over UDP and TLS"
	fi
	echo "screenshots: PBX (kamailio) at $pbx_ip:5061 over TLS, in namespace $ns"

	cat >"$tmp/config.json" <<JSON
{
  "version": 1,
  "enabled": true,
  "user": "max",
  "country_code": "49",
  "source": {"mode": "proxy", "proxy": {"listen": "127.0.0.1:15070", "upstream": "$pbx_ip:5061",
    "transport": "tls", "ca_file": "$pki/ca.pem"}},
  "queues": [{"name": "Support", "numbers": ["200"], "display_prefix": "Support:", "header": "X-Queue"}],
  "hooks": [
    {"id": "log", "name": "Log call", "enabled": true, "triggers": ["incoming.hangup", "queue.hangup"],
     "action": "post", "url": "https://crm.example.com/api/calls",
     "content_type": "application/json",
     "body": "{\"caller\":\"{caller}\",\"name\":\"{remote_name}\",\"duration\":{duration}}",
     "headers": {"Authorization": "{secret.log-authorization}"},
     "timeout": "10s", "retries": 8, "signing_secret": "log-signing"},
    {"id": "crm", "name": "Open CRM", "enabled": true, "triggers": ["incoming.answer", "queue.answer"],
     "action": "browser", "url": "https://crm.example.com/search?phone={remote|e164}"},
    {"id": "slack", "name": "Missed call to chat", "enabled": false, "triggers": ["incoming.missed", "queue.missed"],
     "action": "get", "url": "https://chat.example.com/hook?text=Missed+call+from+{remote}"}
  ]
}
JSON
	export CALLHOOK_SHOTS_INNER=1 CALLHOOK_SHOTS_TMP=$tmp CALLHOOK_SHOTS_BIN=$bin CALLHOOK_SCREENSHOTS=$out
	export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_RUNTIME_DIR=$tmp/run
	# The example hook's secrets, from the environment instead of a keychain.
	export CALLHOOK_SECRET_LOG_AUTHORIZATION="Bearer example"
	export CALLHOOK_SECRET_LOG_SIGNING="whsec_$(head -c 24 /dev/urandom | base64)"
	timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
	exit
fi

tmp=$CALLHOOK_SHOTS_TMP
bin=$CALLHOOK_SHOTS_BIN
# History to show: two simulated calls through the real dispatcher. The
# hooks are pointed at a local receiver for it (no traffic leaves the
# machine) and browser hooks are off (no browser opens).
python3 - "$tmp/port" <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # Jane's call fails, so the history shows a failure and Re-send.
        code = 503 if b"Jane" in body else 200
        self.send_response(code); self.end_headers(); self.wfile.write(b'{"ok":true}')
    do_GET = do_POST
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(srv.server_port))
srv.serve_forever()
PY
receiver=$!
trap 'kill $receiver 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
python3 - "$tmp/config.json" "$tmp/sim.json" "$(cat "$tmp/port")" <<'PY'
import json, re, sys
cfg = json.load(open(sys.argv[1]))
for h in cfg["hooks"]:
    h["url"] = re.sub(r"^https://[^/]+", "http://127.0.0.1:" + sys.argv[3], h["url"])
    h["retries"] = 0
    if h["action"] == "browser":
        h["enabled"] = False
json.dump(cfg, open(sys.argv[2], "w"))
PY
"$bin" simulate --config "$tmp/sim.json" --data "$tmp/data" --direction in \
	--remote +4930123456 --name "Erika Mustermann" --answer-after 1s --hangup-after 2s --wait 10s \
	>"$tmp/simulate.log" 2>&1 || { cat "$tmp/simulate.log" >&2; echo "screenshots: simulate failed; Calls will be empty" >&2; }
"$bin" simulate --config "$tmp/sim.json" --data "$tmp/data" --direction in --queue Support \
	--remote +4940987654 --name "Jane Doe" --answer-after 1s --hangup-after 3s --wait 10s \
	>>"$tmp/simulate.log" 2>&1 || true # its delivery fails on purpose

for tab in hooks editor calls settings; do
	CALLHOOK_GUI_TAB=$tab "$bin" --config "$tmp/config.json" --data "$tmp/data" >"$tmp/$tab.log" 2>&1 &
	pid=$!
	win=""
	for _ in $(seq 1 300); do
		win=$(xdotool search --name '^Callhook$' 2>/dev/null | head -n1 || true)
		[ -n "$win" ] && break
		sleep 0.2
	done
	if [ -z "$win" ]; then
		cat "$tmp/$tab.log" >&2
		echo "screenshots: no window for $tab" >&2
		exit 1
	fi
	if [ "$tab" = settings ]; then
		# A softphone registers through Callhook with the PBX, so the
		# status line shows the PBX leg: where the PBX sees us, over TLS.
		sport=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		if ! (cd "$tmp" && timeout 30 sipp -sf "$root/testdata/sipp/register.xml" -i 127.0.0.1 -p "$sport" \
			-s 1001 -au 1001 -ap secret -m 1 -nostdin -timeout 20s -timeout_error 127.0.0.1:15070) \
			>"$tmp/sipp.log" 2>&1; then
			tail -n 30 "$tmp/sipp.log" >&2
			tail -n 30 "$tmp/$tab.log" >&2
			echo "screenshots: the softphone did not register through callhook" >&2
			exit 1
		fi
	fi
	sleep 3
	import -window "$win" "$out/$tab.png"
	kill -TERM "$pid"
	wait "$pid" || true
	echo "screenshots: $out/$tab.png"
done
